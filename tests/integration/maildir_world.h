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
#ifndef CYBERTROC_TESTS_INTEGRATION_MAILDIR_WORLD_H_
#define CYBERTROC_TESTS_INTEGRATION_MAILDIR_WORLD_H_

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
inline std::string IsoTime(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// `raw` with the value of its Message-ID header replaced by `id` (what a
// client resending the same signed text, or an attacker replaying it, does).
inline std::string WithMessageId(const std::string& raw,
                                 const std::string& id) {
  const std::string name = "Message-ID: ";
  const size_t at = raw.find(name);
  if (at == std::string::npos) throw std::runtime_error("no Message-ID");
  const size_t end = raw.find_first_of("\r\n", at);
  return raw.substr(0, at + name.size()) + id + raw.substr(end);
}

// The harness keys and the parties' GnuPG homes, under a fresh
// /tmp/ct-<tag>-XXXXXX removed at destruction (kept with CT_KEEP_TEST_DIR).
class KeyWorld {
 public:
  KeyWorld() = default;
  KeyWorld(const KeyWorld&) = delete;
  KeyWorld& operator=(const KeyWorld&) = delete;
  ~KeyWorld() {
    if (dir_.empty()) return;
    Shell(MailWorld::Script("gpg.sh") + " kill " + Quote(gnupg_dir()));
    if (getenv("CT_KEEP_TEST_DIR") == nullptr) {
      std::error_code ignored;
      fs::remove_all(dir_, ignored);
    }
  }

  // "" when ready; else the reason, and Skipped() says whether the machine
  // cannot run gpg.sh (exit 77: skip) or it failed.
  std::string Start(const std::string& tag) {
    std::string pattern = "/tmp/ct-" + tag + "-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return "mkdtemp failed";
    dir_ = pattern;
    setenv("CT_HARNESS_OWNER_PID", std::to_string(getpid()).c_str(), 1);
    Cmd keys =
        Shell(MailWorld::Script("gpg.sh") + " make-home " + Quote(gnupg_dir()));
    if (keys.status != 0) {
      skipped_ = keys.status == kSkipStatus;
      return "gpg.sh make-home: " + keys.All();
    }
    keys_ = ReadEnv(gnupg_dir() / "keys.env");
    return "";
  }
  bool Skipped() const { return skipped_; }

  const fs::path& dir() const { return dir_; }
  fs::path gnupg_dir() const { return dir_ / "gnupg"; }

  // Primary fingerprint of a harness key ("alice", "operator"...).
  std::string Fpr(const std::string& name) const {
    return HarnessFpr(keys_, name);
  }

  // NAME's own GnuPG home (its secret key, every public key), made once.
  fs::path PartyHome(const std::string& name) {
    auto it = homes_.find(name);
    if (it != homes_.end()) return it->second;
    return homes_[name] = MakePartyHome(gnupg_dir(), name);
  }

  // A new escrow home: its secret key and the operator's public key only
  // (parties' keys arrive by mail). Under the gnupg dir, so that `gpg.sh
  // kill` stops its agent.
  fs::path NewEscrowHome(const std::string& label) {
    return MakeEscrowHome(gnupg_dir(), label);
  }

  // "Autocrypt: addr=NAME@example.test; keydata=..." (folded), made once.
  std::string AutocryptHeader(const std::string& name) {
    auto it = autocrypt_.find(name);
    if (it != autocrypt_.end()) return it->second;
    Cmd data = Shell("gpg --homedir " + Quote(gnupg_dir()) +
                     " --batch --export --export-options export-minimal " +
                     Fpr(name) + " | base64 -w 72");
    if (data.status != 0 || data.out.empty())
      throw std::runtime_error("cannot export the key of " + name);
    std::string header = "Autocrypt: addr=" + name + "@example.test; keydata=";
    bool first = true;
    for (const std::string& line : Lines(data.out)) {
      header += (first ? "" : "\n ") + line;
      first = false;
    }
    return autocrypt_[name] = header;
  }

  // A text/plain message whose body is `gpg --clearsign` of `body` by NAME,
  // From NAME@example.test (or `from`), with CRLF line ends, written to
  // `out`. `sign_time` (epoch seconds, 0 = now) fakes the signing time; it
  // may not be before the keys were made (gpg refuses a key "created in
  // the future"), and gpg's faked clock keeps running: times meant to be
  // in an order must be seconds apart.
  fs::path Clearsign(const std::string& name, const std::string& body,
                     const fs::path& out, std::time_t sign_time = 0,
                     const std::string& headers = "",
                     const std::string& from = "") {
    WriteFile(out.string() + ".body", body);
    std::string env;
    if (sign_time != 0)
      env += "CT_SIGN_TIME=" + std::to_string(sign_time) + " ";
    if (!headers.empty()) env += "CT_EXTRA_HEADERS=" + Quote(headers) + " ";
    const std::string sender = from.empty() ? name + "@example.test" : from;
    Cmd sign =
        Shell(env + MailWorld::Script("sign.sh") + " clearsign " +
              Quote(PartyHome(name)) + " " + Fpr(name) + " " + Quote(sender) +
              " escrow@example.test " + Quote(out.string() + ".body") + " " +
              Quote(out.string() + ".lf"));
    if (sign.status != 0)
      throw std::runtime_error("sign.sh clearsign: " + sign.All());
    WriteFile(out, ToCrlf(ReadFile(out.string() + ".lf")));
    return out;
  }

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
                  const std::string& extra = "") {
    dir_ = world.dir() / ("ct-" + label);
    for (const char* sub : {"new", "cur", "tmp"})
      fs::create_directories(maildir() / sub);
    fs::create_directories(dir_ / "out");
    gpg_home_ = world.NewEscrowHome(label);
    std::ofstream(config())
        << "[store]\ndatabase = " << db().string() << "\n"
        << "[inbox]\nurl = maildir://" << maildir().string() << "\n"
        << "[outbox]\nurl = dir://" << (dir_ / "out").string() << "\n"
        << "from = CyberTroc <escrow@example.test>\n"
        << "operator = operator@example.test\n"
        << "[gpg]\nhome = " << gpg_home_.string() << "\n"
        << "escrow_key = " << world.Fpr("escrow") << "\n"
        << "operator_key = " << world.Fpr("operator") << "\n"
        << "[rules]\ndir = " << kSourceDir << "/rules\n"
        << "[templates]\ndir = " << kSourceDir << "/templates\n"
        << "default_language = en\n"
        << "[log]\nfile = " << log().string() << "\n"
        << extra;
    // Only run, daemon and init create the database (issue 8): the tests
    // that start with `open` need it made first. A failure shows up in the
    // first command's output, which every test prints.
    Shell(Quote(kBinary) + " --config " + Quote(config()) + " init");
  }
  MaildirInstance(const MaildirInstance&) = delete;
  MaildirInstance& operator=(const MaildirInstance&) = delete;
  ~MaildirInstance() {
    Shell("gpgconf --homedir " + Quote(gpg_home_) + " --kill all 2>/dev/null");
  }

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
          const std::string& env = "", const std::string& prefix = "") const {
    std::string cmd = "CYBERTROC_NOW=" + IsoTime(now) + " " + env + " " +
                      prefix + " " + Quote(kBinary) + " --config " +
                      Quote(config());
    for (const auto& a : args) cmd += " " + Quote(a);
    return Shell(cmd);
  }

  // Result rows of `query`, columns joined by '|'.
  std::vector<std::string> Sql(const std::string& query) const {
    Cmd sql = Shell("sqlite3 -batch -noheader -separator '|' " + Quote(db()) +
                    " " + Quote(query));
    if (sql.status != 0)
      throw std::runtime_error("sqlite3: " + query + ": " + sql.All());
    return Lines(sql.out);
  }
  long SqlCount(const std::string& query) const {
    auto rows = Sql(query);
    return rows.empty() ? -1 : std::stol(rows[0]);
  }
  static std::string SqlText(const std::string& text) {
    std::string out = "'";
    for (char c : text)
      out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  }

  // The last lines of the log, for failure messages.
  std::string LogTail() const {
    std::string log = ReadFile(this->log());
    if (log.size() > 4000) log = "..." + log.substr(log.size() - 4000);
    return "\n--- " + this->log().string() + "\n" + log;
  }

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

#endif  // CYBERTROC_TESTS_INTEGRATION_MAILDIR_WORLD_H_
