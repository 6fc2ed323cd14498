// Issue 9, point 2, inbound: `[inbox] workers = N` verifies messages on N
// GnuPG worker threads while their effects are committed one by one, in
// inbox order (src/app/pipeline.cpp).
//
// KeyFromAnEarlierMessage...: the parties' keys arrive by mail (Autocrypt)
// and only in the first message; the later ones, verified in parallel,
// must see it, as serial processing does.
// OneWorkerAndTwo...: the same mixed batch (offers, a replay, unsigned mail
// from a party and from a stranger, an auto-reply, a help request, a key
// that does not match the binding) gives the same inbox outcomes, events,
// bindings and replies with workers = 1 and = 2.
// RunThatDiesVerifying...: a run that dies while a worker verifies one
// message (CYBERTROC_CRASH_AT=verifying:<Message-ID>), three times: that
// message is quarantined, and the messages that were in flight with it are
// not charged its attempts: they are processed.
//
// Real GnuPG (tests/harness keys), the built binary on a maildir inbox; no
// mail server. Skips only when gpg is missing (gpg.sh exits 77).
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "maildir_world.h"

namespace {

using cttest::Cmd;
using cttest::JsonInt;
using cttest::MaildirInstance;
using cttest::ReadFile;
namespace fs = std::filesystem;

constexpr std::time_t kMinute = 60;
constexpr int kCrashStatus = 137;

class InboundWorkersTest : public cttest::KeyWorldSuite<InboundWorkersTest> {
 public:
  static constexpr const char* kWorldLabel = "workers";

 protected:
  void SetUp() override {
    KeyWorldSuite::SetUp();
    if (Stopped()) return;
    // Later than the keys, by far more than gpg's running faked clock.
    base_ = std::time(nullptr) + 10 * kMinute;
  }

  void TearDown() override {
    if (HasFailure())
      for (const auto& ct : instances_) std::cerr << ct->LogTail();
    instances_.clear();
  }

  MaildirInstance& NewInstance(int workers) {
    static int count = 0;
    label_ = "w" + std::to_string(++count);
    instances_.push_back(std::make_unique<MaildirInstance>(
        *world_, label_,
        "[inbox]\nworkers = " + std::to_string(workers) + "\n"));
    return *instances_.back();
  }

  // The GnuPG home of the instance NewInstance made last (KeyWorld's
  // NewEscrowHome).
  fs::path EscrowHome() const {
    return world_->gnupg_dir() / "party" / ("escrow-" + label_);
  }

  static std::string Offer(const std::string& item,
                           const std::string& buyer = "bob") {
    return "CT 10 SALE\nbuyer: " + buyer + "@example.test\nitem: " + item +
           "\nprice: 25,00 EUR\nshipping: 5.00\ndelivery: post\nlang: en\n";
  }

  // NAME signs `body` at base + `minutes`, its key offered in an Autocrypt
  // header when `with_key`; left in a file of the world, not delivered.
  fs::path Sign(const std::string& name, const std::string& body, int minutes,
                bool with_key, const std::string& from = "") {
    const fs::path file =
        world_->dir() / ("m" + std::to_string(++files_) + ".eml");
    return world_->Clearsign(name, body, file, base_ + minutes * kMinute,
                             with_key ? world_->AutocryptHeader(name) : "",
                             from);
  }

  // A message written by hand (unsigned), CRLF.
  fs::path Plain(const std::string& headers, const std::string& body) {
    const fs::path file =
        world_->dir() / ("p" + std::to_string(++files_) + ".eml");
    cttest::WriteFile(file, cttest::ToCrlf(headers +
                                           "To: escrow@example.test\n"
                                           "Message-ID: <plain" +
                                           std::to_string(files_) +
                                           "@example.test>\n\n" + body));
    return file;
  }

  // The same signed message under a new Message-ID.
  fs::path Replay(const fs::path& signed_file) {
    const fs::path file =
        world_->dir() / ("r" + std::to_string(++files_) + ".eml");
    cttest::WriteFile(
        file, cttest::WithMessageId(
                  ReadFile(signed_file),
                  "<replay" + std::to_string(files_) + "@example.test>"));
    return file;
  }

  Cmd Run(const MaildirInstance& ct, const std::string& env = "") {
    return ct.Run({"--json", "run"}, base_ + 60 * kMinute, env);
  }

  static std::string Mid(const fs::path& file) {
    return cttest::HeaderValue(ReadFile(file), "Message-ID");
  }

  // status|attempts|last_error of that message's inbox row.
  static std::string Row(const MaildirInstance& ct, const fs::path& file) {
    auto rows = ct.Sql(
        "SELECT status || '|' || attempts || '|' || last_error FROM inbox "
        "WHERE message_id = " +
        MaildirInstance::SqlText(Mid(file)));
    return rows.size() == 1 ? rows[0]
                            : "(" + std::to_string(rows.size()) + " rows)";
  }

  // What processing left, with deal ids (random) masked.
  static std::vector<std::string> EndState(const MaildirInstance& ct) {
    std::vector<std::string> state;
    for (const char* query :
         {"SELECT 'inbox ' || message_id || ' ' || status || ' ' || outcome "
          "FROM inbox ORDER BY id",
          "SELECT 'event ' || message_ref || ' ' || code || ' ' || refused || "
          "' ' || actor FROM events ORDER BY id",
          "SELECT 'mail ' || in_reply_to || ' ' || to_email || ' ' || "
          "templates FROM outbox ORDER BY id",
          "SELECT 'bound ' || email || ' ' || fingerprint FROM bindings "
          "ORDER BY email",
          "SELECT 'quarantine ' || message_id || ' ' || reason FROM "
          "quarantine ORDER BY id"}) {
      for (const auto& row : ct.Sql(query))
        state.push_back(
            std::regex_replace(row, std::regex("CT-[0-9A-Z]{8}"), "CT-*"));
    }
    return state;
  }

  std::vector<std::unique_ptr<MaildirInstance>> instances_;
  std::string label_;
  std::time_t base_ = 0;
  int files_ = 0;
};

TEST_F(InboundWorkersTest, KeyFromAnEarlierMessageIsSeenByLaterVerifications) {
  MaildirInstance& ct = NewInstance(2);
  constexpr int kOffers = 8;
  for (int i = 0; i < kOffers; ++i)
    ct.Deliver(Sign("alice", Offer("Record " + std::to_string(i)), i,
                    /*with_key=*/i == 0));
  Cmd run = Run(ct);
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "applied"), kOffers) << run.out;
  EXPECT_EQ(JsonInt(run.out, "quarantined"), 0) << run.out;
  EXPECT_EQ(JsonInt(run.out, "failed"), 0) << run.out;
  EXPECT_NE(ReadFile(ct.log()).find("(GnuPG workers: 2)"), std::string::npos)
      << "the run did not use two workers";
}

// The other way round: an earlier message revokes the key that later ones
// are signed with. Serial processing imports the revocation first and
// refuses them all; so must the workers, though the later messages import
// nothing and could be verified at once.
TEST_F(InboundWorkersTest, RevocationInAnEarlierMessageStopsTheLaterOnes) {
  MaildirInstance& ct = NewInstance(2);
  const std::string name = "mallory-revoked";
  // The escrow knows the key from before its revocation (the party's own
  // home holds that version, and can still sign with it).
  Cmd known = cttest::Shell(
      "gpg --homedir " + cttest::Quote(world_->PartyHome(name)) +
      " --batch --export " + world_->Fpr(name) + " | gpg --homedir " +
      cttest::Quote(EscrowHome()) + " --batch --import");
  ASSERT_EQ(known.status, 0) << known.All();
  constexpr int kMessages = 6;
  std::vector<fs::path> mail;
  // The first carries carol's key, then the revocation: two imports, with
  // room between them for a verification that would not wait.
  const fs::path first =
      world_->dir() / ("m" + std::to_string(++files_) + ".eml");
  mail.push_back(world_->Clearsign(
      name, Offer("Record 0"), first, base_,
      world_->AutocryptHeader("carol") + "\n" + world_->AutocryptHeader(name)));
  for (int i = 1; i < kMessages; ++i)
    mail.push_back(Sign(name, Offer("Record " + std::to_string(i)), i,
                        /*with_key=*/false));
  for (const auto& file : mail) ct.Deliver(file);
  Cmd run = Run(ct);
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "applied"), 0) << run.out;
  EXPECT_EQ(JsonInt(run.out, "quarantined"), kMessages) << run.out;
  EXPECT_EQ(ct.SqlCount("SELECT count(*) FROM inbox WHERE status = "
                        "'quarantined' AND outcome LIKE '%revoked%'"),
            kMessages);
}

// Two parties' messages, each carrying its sender's key, so that imports
// run side by side on the one keyring.
TEST_F(InboundWorkersTest, KeysImportedSideBySideAreAllThere) {
  MaildirInstance& ct = NewInstance(2);
  constexpr int kOffers = 8;
  for (int i = 0; i < kOffers; ++i)
    ct.Deliver(i % 2 == 0
                   ? Sign("alice", Offer("Record " + std::to_string(i)), i,
                          /*with_key=*/true)
                   : Sign("bob", Offer("Tape " + std::to_string(i), "alice"), i,
                          /*with_key=*/true));
  Cmd run = Run(ct);
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "applied"), kOffers) << run.out;
  EXPECT_EQ(JsonInt(run.out, "quarantined"), 0) << run.out;
  EXPECT_EQ(JsonInt(run.out, "failed"), 0) << run.out;
}

// Side by side, gpg processes wait for each other's lock on random_seed
// unless gpg.conf says `no-random-seed-file`: without it, one worker, and
// the log says what to add.
TEST_F(InboundWorkersTest, WithoutNoRandomSeedFileOneWorkerAndAWarning) {
  MaildirInstance& ct = NewInstance(2);
  const fs::path conf = EscrowHome() / "gpg.conf";
  std::string text = ReadFile(conf);
  const std::string option = "no-random-seed-file\n";
  ASSERT_NE(text.find(option), std::string::npos) << conf << ": " << text;
  text.erase(text.find(option), option.size());
  cttest::WriteFile(conf, text);
  for (int i = 0; i < 3; ++i)
    ct.Deliver(Sign("alice", Offer("Record " + std::to_string(i)), i,
                    /*with_key=*/i == 0));
  Cmd run = Run(ct);
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "applied"), 3) << run.out;
  const std::string log = ReadFile(ct.log());
  EXPECT_NE(log.find("lacks the line `no-random-seed-file`"), std::string::npos)
      << log;
  EXPECT_NE(log.find("(GnuPG workers: 1)"), std::string::npos) << log;
}

TEST_F(InboundWorkersTest, OneWorkerAndTwoGiveTheSameEndState) {
  std::vector<fs::path> batch;
  batch.push_back(Sign("alice", Offer("Blue Train, LP"), 0, true));
  batch.push_back(Sign("alice", Offer("Giant Steps, CD"), 1, false));
  batch.push_back(Replay(batch.back()));
  // bob is a party of the first offer: his unverifiable mail is explained;
  // a stranger's is not.
  batch.push_back(Plain("From: bob@example.test\n", "CT 00\n"));
  batch.push_back(Plain("From: stranger@example.net\n", "hello\n"));
  batch.push_back(
      Plain("From: alice@example.test\nAuto-Submitted: "
            "auto-replied\n",
            "I am away.\n"));
  batch.push_back(Sign("bob", "Hello, how does this work?\n", 2, true));
  // Signed by bob's key, sent from alice's bound address.
  batch.push_back(
      Sign("bob", Offer("Kind of Blue, CD"), 3, false, "alice@example.test"));
  batch.push_back(Sign("alice", Offer("Ascension, LP"), 4, false));

  MaildirInstance& one = NewInstance(1);
  MaildirInstance& two = NewInstance(2);
  for (const MaildirInstance* ct : {&one, &two}) {
    for (const auto& file : batch) ct->Deliver(file);
    Cmd run = Run(*ct);
    ASSERT_EQ(run.status, 0) << run.All();
    EXPECT_EQ(JsonInt(run.out, "applied"), 3) << run.out;
    EXPECT_EQ(JsonInt(run.out, "failed"), 0) << run.out;
  }
  const auto serial = EndState(one);
  EXPECT_EQ(EndState(two), serial);
  // The batch did what it was made for.
  auto count = [&](const std::string& prefix) {
    long n = 0;
    for (const auto& line : serial) n += line.starts_with(prefix) ? 1 : 0;
    return n;
  };
  EXPECT_EQ(count("inbox "), static_cast<long>(batch.size()));
  EXPECT_EQ(count("bound "), 2);
  EXPECT_EQ(one.SqlCount("SELECT count(*) FROM outbox WHERE to_email = "
                         "'bob@example.test' AND templates LIKE "
                         "'%unsigned%'"),
            1);
  EXPECT_EQ(one.SqlCount("SELECT count(*) FROM outbox WHERE to_email LIKE "
                         "'%example.net'"),
            0);
  EXPECT_EQ(one.SqlCount("SELECT count(*) FROM inbox WHERE status = "
                         "'ignored'"),
            1);
  EXPECT_EQ(one.SqlCount("SELECT count(*) FROM inbox WHERE outcome LIKE "
                         "'%replay%'"),
            1);
}

TEST_F(InboundWorkersTest, RunThatDiesVerifyingChargesOnlyItsMessage) {
  MaildirInstance& ct = NewInstance(2);
  std::vector<fs::path> mail;
  for (int i = 0; i < 4; ++i)
    mail.push_back(Sign("alice", Offer("Record " + std::to_string(i)), i,
                        /*with_key=*/true));
  for (const auto& file : mail) ct.Deliver(file);
  const std::string deadly =
      "CYBERTROC_CRASH_AT=" + cttest::Quote("verifying:" + Mid(mail[0]));
  const std::string interrupted = "the run stopped while processing it";
  for (int attempt = 1; attempt <= 3; ++attempt) {
    SCOPED_TRACE("run " + std::to_string(attempt));
    Cmd crash = Run(ct, deadly);
    ASSERT_EQ(crash.status, kCrashStatus) << crash.All();
    EXPECT_EQ(Row(ct, mail[0]),
              "new|" + std::to_string(attempt) + "|" + interrupted);
    // The others may have been in flight the first time, never again.
    for (size_t i = 1; i < mail.size(); ++i) {
      const std::string row = Row(ct, mail[i]);
      EXPECT_TRUE(row == "new|0|" || row == "new|1|" + interrupted) << row;
    }
  }
  Cmd run = Run(ct, deadly);  // out of attempts: not verified again
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "quarantined"), 1) << run.out;
  EXPECT_EQ(JsonInt(run.out, "applied"), 3) << run.out;
  EXPECT_EQ(Row(ct, mail[0]), "quarantined|3|");
  // One attempt now, one more for those in flight the first time.
  for (size_t i = 1; i < mail.size(); ++i) {
    const std::string row = Row(ct, mail[i]);
    EXPECT_TRUE(row == "processed|1|" || row == "processed|2|") << row;
  }
}

}  // namespace
