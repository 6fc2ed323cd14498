// One hostile message must not stop the whole inbox, and a run stopped from
// outside must not cost an honest message.
//
// CompressedBomb...: a stranger (no key needed: anyone can encrypt to the
// escrow's public key) sends a PGP/MIME message of about a kilobyte that
// holds hundreds of megabytes of zeros, bzip2-compressed, made for real by
// gpg. It comes FIRST in the maildir, before honest signed mail, and
// `cybertroc run` runs under an address-space limit far below what holding
// the plaintext takes: the run exits 0, the bomb is quarantined ("decrypted
// content larger than N bytes", explained to a known sender only), and the
// honest mail behind it is applied.
//
// FailingMessage...: a fault injected while processing one message
// (src/app/base/faults.h: std::bad_alloc thrown before its transaction commits)
// is charged to that message (inbox attempts, last_error), which the next
// runs try again and quarantine at the third failure; its bound sender is
// told it was not applied and the operator is alerted; the other messages
// are processed meanwhile.
// RunKilledThreeTimes...: the whole run dies right after an attempt is
// marked begun, three times in a row (as an OOM kill of the service, a
// watchdog or a power cut would do): the message is charged nothing and is
// applied by the next run.
//
// Real GnuPG (tests/harness keys), the built binary on a maildir inbox; no
// mail server. Skips only when gpg is missing (gpg.sh exits 77).
#include <gtest/gtest.h>

#include <memory>

#include "maildir_world.h"

namespace {

using cttest::Cmd;
using cttest::Json;
using cttest::JsonField;
using cttest::JsonInt;
using cttest::MaildirInstance;
using cttest::ReadFile;
namespace fs = std::filesystem;

constexpr int kCrashStatus = 137;
// The bomb: this many MiB of zeros, against inbox.max_message_size's
// default of 1 MiB. Holding it took ~3 times its size before the fix.
constexpr int kBombMiB = 512;
// The run's address-space limit (prlimit --as): far below what holding
// the bomb's plaintext takes, ample for a run that never does.
constexpr long kAddressSpace = 256L << 20;
// How the run is bounded: `prefix` and `env` words of Run. Under
// AddressSanitizer (tests/run.sh, sanitize stage) an address-space limit
// cannot work, the shadow memory alone reserves terabytes: ASan's own
// limits bound the run there, also far below what holding the bomb takes.
#if defined(__SANITIZE_ADDRESS__)
const std::string kBoundPrefix;
const std::string kBoundEnv =
    "ASAN_OPTIONS=hard_rss_limit_mb=1024:max_allocation_size_mb=256";
#else
const std::string kBoundPrefix =
    "prlimit --as=" + std::to_string(kAddressSpace) + " --";
const std::string kBoundEnv;
#endif

class HostileMailTest : public cttest::KeyWorldSuite<HostileMailTest> {
 public:
  static constexpr const char* kWorldLabel = "hostile";

 protected:
  void SetUp() override {
    KeyWorldSuite::SetUp();
    if (Stopped()) return;
    // Two GnuPG workers whatever the machine: the isolation and
    // ordering guarantees must hold with several.
    StartInstance("h", "[inbox]\nworkers = 2\n");
    now_ = std::time(nullptr);
  }

  // alice's offer of `item` to bob, clear-signed now, key attached.
  fs::path Offer(const std::string& item) {
    const fs::path file =
        ct_->dir() / ("m" + std::to_string(++files_) + ".eml");
    return world_->Clearsign(
        "alice",
        "CT 10 SALE\nbuyer: bob@example.test\nitem: " + item +
            "\nprice: 25,00 EUR\nshipping: 5.00\ndelivery: post\nlang: en\n",
        file, 0, world_->AutocryptHeader("alice"));
  }

  // The bomb's OpenPGP message, made once: kBombMiB of zeros piped into
  // gpg, bzip2-compressed and encrypted to the escrow key, armored.
  static const std::string& BombCiphertext() {
    static const std::string armored = [] {
      Cmd gpg = cttest::Shell(
          "head -c " + std::to_string(kBombMiB) +
          "M /dev/zero | gpg "
          "--homedir " +
          cttest::Quote(world_->gnupg_dir()) +
          " --batch --quiet --trust-model always --compress-algo bzip2 "
          "--armor --encrypt --recipient " +
          world_->Fpr("escrow"));
      if (gpg.status != 0) throw std::runtime_error("gpg: " + gpg.All());
      return gpg.out;
    }();
    return armored;
  }

  // The bomb as PGP/MIME encrypted mail (RFC 3156) from `from`.
  fs::path Bomb(const std::string& from, const std::string& message_id) {
    const std::string mail =
        "From: " + from +
        "\nTo: escrow@example.test\nSubject: hello\n"
        "Message-ID: " +
        message_id +
        "\nMIME-Version: 1.0\n"
        "Content-Type: multipart/encrypted;\n"
        " protocol=\"application/pgp-encrypted\"; boundary=\"b0\"\n\n"
        "--b0\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n\n"
        "--b0\nContent-Type: application/octet-stream\n\n" +
        BombCiphertext() + "\n--b0--\n";
    const fs::path file =
        ct_->dir() / ("bomb" + std::to_string(++files_) + ".eml");
    cttest::WriteFile(file, cttest::ToCrlf(mail));
    return file;
  }

  static std::string MidOf(const fs::path& file) {
    return cttest::HeaderValue(ReadFile(file), "Message-ID");
  }
  static std::string Q(const std::string& text) {
    return MaildirInstance::SqlText(text);
  }

  // status|attempts|last_error|outcome of that message's inbox row.
  std::string Row(const std::string& mid) {
    auto rows = ct_->Sql(
        "SELECT status || '|' || attempts || '|' || last_error || '|' || "
        "outcome FROM inbox WHERE message_id = " +
        Q(mid));
    return rows.size() == 1 ? rows[0]
                            : "(" + std::to_string(rows.size()) + " rows)";
  }

  Cmd Run(const std::string& env = "", const std::string& prefix = "") {
    return ct_->Run({"--json", "run"}, now_, env, prefix);
  }

  std::time_t now_ = 0;
  int files_ = 0;
};

TEST_F(HostileMailTest, CompressedBombIsQuarantinedAndMailBehindItApplied) {
  ASSERT_LT(BombCiphertext().size(), 8192u) << "not a small message";
  // bob is a party of a deal, so a known sender; the stranger is not.
  // `open` does not create the database (a typo must not make an empty
  // one): `init` does.
  ASSERT_EQ(ct_->Run({"init"}, now_).status, 0);
  Cmd open =
      ct_->Run({"--json", "open", "sale", "--seller", "alice@example.test",
                "--buyer", "bob@example.test", "--item", "Kind of Blue, CD",
                "--price", "25.00", "--shipping", "5.00", "--lang", "en"},
               now_);
  ASSERT_EQ(open.status, 0) << open.All();
  const fs::path stranger =
      Bomb("Stranger <stranger@example.net>", "<bomb-stranger@example.net>");
  const fs::path offer = Offer("A Love Supreme, LP");
  const fs::path known = Bomb("bob@example.test", "<bomb-bob@example.test>");
  const fs::path offer2 = Offer("Giant Steps, CD");
  for (const auto& file : {stranger, offer, known, offer2}) ct_->Deliver(file);

  Cmd run = Run(kBoundEnv, kBoundPrefix);
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "fetched"), 4) << run.out;
  EXPECT_EQ(JsonInt(run.out, "applied"), 2) << run.out;
  EXPECT_EQ(JsonInt(run.out, "quarantined"), 2) << run.out;
  EXPECT_EQ(JsonInt(run.out, "failed"), 0) << run.out;
  const std::string why = "decrypted content larger than 1048576 bytes";
  EXPECT_EQ(Row(MidOf(stranger)), "quarantined|0||" + why);
  EXPECT_EQ(Row(MidOf(known)), "quarantined|0||" + why);
  for (const auto& file : {offer, offer2})
    EXPECT_EQ(Row(MidOf(file)).substr(0, 26), "processed|0||offer: opened")
        << Row(MidOf(file));
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM deals"), 3);
  // Explained to the known sender only: no backscatter to a stranger.
  EXPECT_EQ(ct_->Sql("SELECT to_email || ' ' || templates FROM outbox WHERE "
                     "in_reply_to = " +
                     Q(MidOf(known))),
            std::vector<std::string>{"bob@example.test unsigned"});
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM outbox WHERE to_email LIKE "
                          "'%example.net'"),
            0);
  Cmd quarantine = ct_->Run({"--json", "quarantine"}, now_);
  ASSERT_EQ(quarantine.status, 0) << quarantine.All();
  const Json listed = cttest::ParseJson(quarantine.out);
  ASSERT_TRUE(listed.is_array()) << quarantine.out;
  EXPECT_TRUE(std::ranges::any_of(listed, [](const Json& q) {
    return JsonField(q, "message_id") == "<bomb-stranger@example.net>";
  })) << quarantine.out;
  EXPECT_TRUE(std::ranges::any_of(listed, [&](const Json& q) {
    return JsonField(q, "reason").find(why) != std::string::npos;
  })) << quarantine.out;
  // Nothing left for the next run.
  Cmd again = Run(kBoundEnv, kBoundPrefix);
  EXPECT_EQ(again.status, 0) << again.All();
  EXPECT_EQ(JsonInt(again.out, "quarantined"), 0) << again.out;
}

TEST_F(HostileMailTest, FailingMessageIsRetriedThenQuarantinedOthersGoOn) {
  const fs::path first = Offer("Record 1");
  const fs::path failing = Offer("Record 2");
  const fs::path last = Offer("Record 3");
  for (const auto& file : {first, failing, last}) ct_->Deliver(file);
  const std::string mid = MidOf(failing);
  const std::string fault =
      "CYBERTROC_FAIL_AT=" + cttest::Quote("process:" + mid);
  const std::string oom = "out of memory (std::bad_alloc)";

  Cmd run1 = Run(fault);
  ASSERT_EQ(run1.status, 0) << run1.All();
  EXPECT_EQ(JsonInt(run1.out, "applied"), 2) << run1.out;
  EXPECT_EQ(JsonInt(run1.out, "failed"), 1) << run1.out;
  EXPECT_EQ(Row(mid), "new|1|" + oom + "|");
  // Its effects were rolled back: no deal, no remembered signature (so
  // that the retry is no "replay").
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM deals"), 2);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM seen_signatures"), 2);

  Cmd run2 = Run(fault);
  ASSERT_EQ(run2.status, 0) << run2.All();
  EXPECT_EQ(JsonInt(run2.out, "failed"), 1) << run2.out;
  EXPECT_EQ(JsonInt(run2.out, "quarantined"), 0) << run2.out;
  EXPECT_EQ(Row(mid), "new|2|" + oom + "|");

  Cmd run3 = Run(fault);
  ASSERT_EQ(run3.status, 0) << run3.All();
  EXPECT_EQ(JsonInt(run3.out, "failed"), 0) << run3.out;
  EXPECT_EQ(JsonInt(run3.out, "quarantined"), 1) << run3.out;
  EXPECT_EQ(Row(mid), "quarantined|3||processing failed 3 times: " + oom);
  // alice is bound (her first offer): she hears it was not applied; the
  // operator is alerted.
  EXPECT_EQ(ct_->Sql("SELECT to_email || ' ' || templates FROM outbox WHERE "
                     "in_reply_to = " +
                     Q(mid) + " ORDER BY id"),
            (std::vector<std::string>{"alice@example.test not_applied",
                                      "operator@example.test "
                                      "processing_failed"}));
  Cmd run4 = Run(fault);
  ASSERT_EQ(run4.status, 0) << run4.All();
  EXPECT_EQ(JsonInt(run4.out, "failed"), 0) << run4.out;
  EXPECT_EQ(JsonInt(run4.out, "quarantined"), 0) << run4.out;

  // The operator sees it, and once the fault is gone, reprocesses it.
  Cmd listed = ct_->Run({"--json", "quarantine"}, now_);
  EXPECT_TRUE(std::ranges::any_of(
      cttest::JsonFields(cttest::ParseJson(listed.out), "reason"),
      [](const std::string& reason) {
        return reason.find("processing failed 3 times") != std::string::npos;
      }))
      << listed.out;
  Cmd again = ct_->Run({"reprocess", mid}, now_);
  ASSERT_EQ(again.status, 0) << again.All();
  EXPECT_NE(again.out.find("1 applied"), std::string::npos) << again.out;
  EXPECT_EQ(Row(mid).substr(0, 26), "processed|0||offer: opened") << Row(mid);
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM deals"), 3);
}

TEST_F(HostileMailTest, RunKilledThreeTimesOnAMessageStillAppliesIt) {
  const fs::path honest = Offer("Record 1");
  const fs::path behind = Offer("Record 2");
  ct_->Deliver(honest);
  ct_->Deliver(behind);
  const std::string interrupted = "the run stopped while processing it";
  for (int kill = 1; kill <= 3; ++kill) {
    SCOPED_TRACE("kill " + std::to_string(kill));
    Cmd crash = Run("CYBERTROC_CRASH_AT=processing");
    ASSERT_EQ(crash.status, kCrashStatus) << crash.All();
    // Never charged: the run died, not the message.
    EXPECT_EQ(Row(MidOf(honest)), "new|0|" + interrupted + "|");
    EXPECT_EQ(Row(MidOf(behind)), "new|0||");
  }
  Cmd run = Run();
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "applied"), 2) << run.out;
  EXPECT_EQ(JsonInt(run.out, "quarantined"), 0) << run.out;
  EXPECT_EQ(JsonInt(run.out, "failed"), 0) << run.out;
  EXPECT_EQ(Row(MidOf(honest)).substr(0, 26), "processed|0||offer: opened");
  EXPECT_EQ(Row(MidOf(behind)).substr(0, 26), "processed|0||offer: opened");
  EXPECT_EQ(ct_->SqlCount("SELECT count(*) FROM quarantine"), 0);
}

}  // namespace
