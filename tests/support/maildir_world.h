// For tests that need real GnuPG keys but no mail server: the harness keys
// (tests/harness/gpg.sh), mail clear-signed by the parties (sign.sh), and
// cybertroc installations whose inbox is a local maildir and whose outbox
// is dir://. Built on mail_fixture.h's helpers (Shell, Quote, ...); the
// servers of its MailWorld are never started, so these tests need no
// RESOURCE_LOCK.
//
//   cttest::KeyWorld world;                 // one per test suite
//   std::string why = world.Start("order"); // "" ok; else Skipped()?
//   cttest::MaildirInstance ct(world, "s1");
//   world.Clearsign("alice", "CT 10 SALE\n...", ct.dir() / "m.eml",
//                   sign_time, world.AutocryptHeader("alice"));
//   ct.Deliver(ct.dir() / "m.eml");
//   cttest::Cmd run = ct.Run({"--json", "run"}, now);
#ifndef CYBERTROC_TESTS_SUPPORT_MAILDIR_WORLD_H_
#define CYBERTROC_TESTS_SUPPORT_MAILDIR_WORLD_H_

#include <gtest/gtest.h>

#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mail_fixture.h"

namespace cttest {

// ISO 8601 UTC of epoch seconds, as CYBERTROC_NOW wants it.
std::string IsoTime(std::time_t t);

// `raw` with the value of its Message-ID header replaced by `id` (what a
// client resending the same signed text, or an attacker replaying it, does).
std::string WithMessageId(const std::string& raw, const std::string& id);

// The harness keys and the parties' GnuPG homes, under a fresh
// /tmp/ct-<tag>-XXXXXX removed at destruction (kept with CT_KEEP_TEST_DIR).
class KeyWorld {
 public:
  KeyWorld() = default;
  KeyWorld(const KeyWorld&) = delete;
  KeyWorld& operator=(const KeyWorld&) = delete;
  ~KeyWorld();

  // "" when ready; else the reason, and Skipped() says whether the machine
  // cannot run gpg.sh (exit 77: skip) or it failed.
  std::string Start(const std::string& tag);
  bool Skipped() const { return skipped_; }

  const fs::path& dir() const { return dir_; }
  fs::path gnupg_dir() const { return dir_ / "gnupg"; }

  // Primary fingerprint of a harness key ("alice", "operator"...).
  std::string Fpr(const std::string& name) const {
    return HarnessFpr(keys_, name);
  }

  // NAME's own GnuPG home (its secret key, every public key), made once.
  fs::path PartyHome(const std::string& name);

  // A new escrow home: its secret key and the operator's public key only
  // (parties' keys arrive by mail). Under the gnupg dir, so that `gpg.sh
  // kill` stops its agent.
  fs::path NewEscrowHome(const std::string& label) {
    return MakeEscrowHome(gnupg_dir(), label);
  }

  // "Autocrypt: addr=NAME@example.test; keydata=..." (folded), made once.
  std::string AutocryptHeader(const std::string& name);

  // A text/plain message whose body is `gpg --clearsign` of `body` by NAME,
  // From NAME@example.test (or `from`), with CRLF line ends, written to
  // `out`. `sign_time` (epoch seconds, 0 = now) fakes the signing time; it
  // may not be before the keys were made (gpg refuses a key "created in
  // the future"), and gpg's faked clock keeps running: times meant to be
  // in an order must be seconds apart.
  fs::path Clearsign(const std::string& name, const std::string& body,
                     const fs::path& out, std::time_t sign_time = 0,
                     const std::string& headers = "",
                     const std::string& from = "");

 private:
  fs::path dir_;
  bool skipped_ = false;
  std::map<std::string, std::string> keys_, autocrypt_;
  std::map<std::string, fs::path> homes_;
};

// One cybertroc installation reading a maildir of its own: config,
// database, maildir, dir:// outbox, log file and escrow GnuPG home.
class MaildirInstance {
 public:
  // `extra` is appended to the config (more sections or keys).
  MaildirInstance(KeyWorld& world, const std::string& label,
                  const std::string& extra = "");
  MaildirInstance(const MaildirInstance&) = delete;
  MaildirInstance& operator=(const MaildirInstance&) = delete;
  ~MaildirInstance();

  const fs::path& dir() const { return dir_; }
  fs::path maildir() const { return dir_ / "Maildir"; }
  fs::path db() const { return dir_ / "ct.db"; }
  fs::path config() const { return dir_ / "ct.conf"; }
  fs::path log() const { return dir_ / "ct.log"; }

  // Puts FILE into maildir/new, after everything delivered before.
  void Deliver(const fs::path& file) const {
    DeliverToMaildir(maildir(), file);
  }

  // `cybertroc --config ct.conf ARGS` at CYBERTROC_NOW=now, with `env`
  // (more VAR=value words) and `prefix` (e.g. "prlimit --as=N") in front.
  Cmd Run(const std::vector<std::string>& args, std::time_t now,
          const std::string& env = "", const std::string& prefix = "") const;

  // Result rows of `query`, columns joined by '|'.
  std::vector<std::string> Sql(const std::string& query) const;
  long SqlCount(const std::string& query) const;
  static std::string SqlText(const std::string& text) {
    return Instance::SqlText(text);
  }

  // The last lines of the log, for failure messages.
  std::string LogTail() const;

 private:
  fs::path dir_;
  fs::path gpg_home_;
};

// A test suite whose tests share one KeyWorld, made once per suite (making
// keys is slow). `Suite` derives from it and names its world's label in
// `static constexpr const char* kWorldLabel`. A derived SetUp calls
// KeyWorldSuite::SetUp() first and returns when the test was skipped (no
// root, a package missing: the reason is printed) or failed.
template <typename Suite>
class KeyWorldSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    world_ = new KeyWorld;
    why_ = world_->Start(Suite::kWorldLabel);
  }
  static void TearDownTestSuite() {
    delete world_;
    world_ = nullptr;
  }
  void SetUp() override {
    if (why_.empty()) return;
    if (world_->Skipped()) GTEST_SKIP() << why_;
    FAIL() << why_;
  }
  // True when SetUp already skipped or failed the test.
  bool Stopped() const { return IsSkipped() || HasFatalFailure(); }

  // This test's own cybertroc (maildir in, dir:// out) in ct_, named by
  // `prefix` and a count; `extra` is added to its config.
  void StartInstance(const std::string& prefix, const std::string& extra) {
    static int count = 0;
    ct_ = std::make_unique<MaildirInstance>(
        *world_, prefix + std::to_string(++count), extra);
  }
  // A failed test shows the end of its cybertroc's log.
  void TearDown() override {
    if (ct_ && HasFailure()) std::cerr << ct_->LogTail();
    ct_.reset();
  }

  std::unique_ptr<MaildirInstance> ct_;

  static inline KeyWorld* world_ = nullptr;
  static inline std::string why_;
};

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_MAILDIR_WORLD_H_
