// Inbound workers: `[inbox] workers = N` verifies messages on N
// GnuPG worker threads while their effects are committed one by one, in
// inbox order (src/app/inbound/pipeline.cpp).
//
// KeyFromAnEarlierMessage...: the parties' keys arrive by mail (Autocrypt)
// and only in the first message; the later ones, verified in parallel,
// must see it, as serial processing does.
// OneWorkerAndTwo...: the same mixed batch (offers, a replay, unsigned mail
// from a party and from a stranger, an auto-reply, a help request, a key
// that does not match the binding) gives the same inbox outcomes, events,
// bindings and replies with workers = 1 and = 2.
// MessageThatKillsItsProcess...: a message that kills whatever process
// verifies it (CYBERTROC_CRASH_AT=verifying:<Message-ID>): the first run
// dies; from then on it is processed alone in a child process, whose death
// is charged to it, and quarantined at the third; the messages that were
// in flight with it are never charged: they are processed.
// RandomKillsEndAsAControlCopy: runs killed at random moments, again and
// again, against a copy of the same database processing the same mail
// without a kill: deals, ledger, payouts, inbox outcomes and notifications
// end the same.
//
// Real GnuPG (tests/harness keys), the built binary on a maildir inbox; no
// mail server. Skips only when gpg is missing (gpg.sh exits 77).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <random>
#include <regex>
#include <string>
#include <thread>
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

TEST_F(InboundWorkersTest, MessageThatKillsItsProcessIsQuarantinedAlone) {
  MaildirInstance& ct = NewInstance(2);
  std::vector<fs::path> mail;
  for (int i = 0; i < 4; ++i)
    mail.push_back(Sign("alice", Offer("Record " + std::to_string(i)), i,
                        /*with_key=*/true));
  for (const auto& file : mail) ct.Deliver(file);
  const std::string deadly =
      "CYBERTROC_CRASH_AT=" + cttest::Quote("verifying:" + Mid(mail[0]));
  const std::string interrupted = "the run stopped while processing it";
  const std::string died =
      "it stopped the process that handled it alone (exit status 137)";
  Cmd crash = Run(ct, deadly);
  ASSERT_EQ(crash.status, kCrashStatus) << crash.All();
  EXPECT_EQ(Row(ct, mail[0]), "new|0|" + interrupted);
  for (size_t i = 1; i < mail.size(); ++i) {
    const std::string row = Row(ct, mail[i]);  // in flight, or not yet begun
    EXPECT_TRUE(row == "new|0|" || row == "new|0|" + interrupted) << row;
  }
  // From now on the run survives it: each failure alone is charged.
  for (int failure = 1; failure <= 3; ++failure) {
    SCOPED_TRACE("failure " + std::to_string(failure));
    Cmd run = Run(ct, deadly);
    ASSERT_EQ(run.status, 0) << run.All();
    EXPECT_EQ(JsonInt(run.out, "applied"), failure == 1 ? 3 : 0) << run.out;
    EXPECT_EQ(JsonInt(run.out, "quarantined"), failure == 3 ? 1 : 0) << run.out;
    if (failure < 3) {
      EXPECT_EQ(Row(ct, mail[0]),
                "new|" + std::to_string(failure) + "|" + died);
    }
  }
  EXPECT_EQ(Row(ct, mail[0]), "quarantined|3|");
  EXPECT_EQ(ct.SqlCount(
                "SELECT count(*) FROM quarantine WHERE reason = " +
                MaildirInstance::SqlText("processing failed 3 times: " + died)),
            1);
  for (size_t i = 1; i < mail.size(); ++i)
    EXPECT_EQ(Row(ct, mail[i]), "processed|0|");
  // Its bound sender hears it was not applied; the operator is alerted.
  EXPECT_EQ(ct.Sql("SELECT to_email || ' ' || templates FROM outbox WHERE "
                   "in_reply_to = " +
                   MaildirInstance::SqlText(Mid(mail[0])) + " ORDER BY id"),
            (std::vector<std::string>{"alice@example.test not_applied",
                                      "operator@example.test "
                                      "processing_failed"}));
}

TEST_F(InboundWorkersTest, RandomKillsEndAsAControlCopy) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  // Funded sales opened by the operator, in one database copied to both
  // installations: the mail about them names the same deal ids in both.
  MaildirInstance& control = NewInstance(2);
  std::vector<std::string> deals;
  constexpr int kDeals = 8;
  for (int i = 0; i < kDeals; ++i) {
    const std::time_t at = base_ + i;
    Cmd open = control.Run(
        {"--json", "open", "sale", "--seller", "alice@example.test", "--buyer",
         "bob@example.test", "--item", "Record " + std::to_string(i), "--price",
         "25.00", "--shipping", "5.00"},
        at);
    ASSERT_EQ(open.status, 0) << open.All();
    deals.push_back(cttest::JsonString(open.out, "id"));
    for (const char* role : {"seller", "buyer"})
      ASSERT_EQ(
          control.Run({"deposit", deals.back(), role, "100.00"}, at).status, 0);
  }
  MaildirInstance& killed = NewInstance(2);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    fs::remove(killed.db().string() + suffix);
    if (fs::exists(control.db().string() + suffix))
      fs::copy_file(control.db().string() + suffix,
                    killed.db().string() + suffix);
  }
  // Shipped, then received; offers, a replay and unsigned mail around them.
  std::vector<fs::path> mail;
  int minute = 0;
  for (const auto& id : deals)
    mail.push_back(Sign("alice", id + " 40 Colissimo 6A1234", ++minute, true));
  mail.push_back(Sign("alice", Offer("Blue Train, LP"), ++minute, true));
  mail.push_back(Replay(mail.back()));
  mail.push_back(Plain("From: bob@example.test\n", "CT 00\n"));
  for (const auto& id : deals)
    mail.push_back(Sign("bob", id + " 61", ++minute, true));
  mail.push_back(Sign("alice", Offer("Giant Steps, CD"), ++minute, false));
  for (const auto& file : mail) control.Deliver(file);
  Cmd once = Run(control);
  ASSERT_EQ(once.status, 0) << once.All();
  EXPECT_EQ(JsonInt(once.out, "applied"), 2 * kDeals + 2) << once.out;

  // The same mail reaches the other installation two messages at a time,
  // in the same order, each time before a run that is killed at a random
  // moment: each run in a process group of its own, killed whole
  // (SIGKILL), as a service manager stopping it would. Until everything
  // is delivered and a run ends by itself.
  const std::string command =
      "exec env CYBERTROC_NOW=" + cttest::IsoTime(base_ + 60 * kMinute) + " " +
      cttest::Quote(cttest::kBinary) + " --config " +
      cttest::Quote(killed.config()) + " run >/dev/null 2>&1";
  const std::string in_hand =
      "SELECT count(*) FROM inbox WHERE status = 'new' AND last_error = "
      "'the run stopped while processing it'";
  int kills = 0, midway = 0, max_delay_ms = 150;
  size_t delivered = 0;
  for (int round = 0; round < 150; ++round) {
    for (int n = 0; n < 2 && delivered < mail.size(); ++n)
      killed.Deliver(mail[delivered++]);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      setpgid(0, 0);
      execl("/bin/sh", "sh", "-c", command.c_str(), nullptr);
      _exit(127);
    }
    setpgid(pid, pid);
    std::uniform_int_distribution<int> delay_ms(0, max_delay_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    kill(-pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status)) {
      ASSERT_EQ(WEXITSTATUS(status), 0) << "round " << round;
      if (delivered == mail.size()) break;
      max_delay_ms = std::max(20, max_delay_ms * 2 / 3);
      continue;
    }
    ++kills;
    // Killed with a message in hand: the case that must cost it nothing.
    if (killed.SqlCount(in_hand) > 0) ++midway;
  }
  std::printf("%d runs killed, %d of them with a message in hand\n", kills,
              midway);
  EXPECT_GE(midway, 3) << "the kills must fall inside processing";
  Cmd last = Run(killed);
  ASSERT_EQ(last.status, 0) << last.All();

  EXPECT_EQ(EndState(killed), EndState(control));
  for (const char* query :
       {"SELECT deal_id || ' ' || kind || ' ' || role || ' ' || amount FROM "
        "ledger ORDER BY id",
        "SELECT deal_id || ' ' || payee_role || ' ' || amount || ' ' || "
        "reason || ' ' || status FROM payouts ORDER BY id",
        "SELECT id || ' ' || state FROM deals WHERE id IN (SELECT deal_id FROM "
        "ledger) ORDER BY id",
        "SELECT count(*) FROM quarantine"})
    EXPECT_EQ(killed.Sql(query), control.Sql(query)) << query;
  EXPECT_EQ(control.SqlCount("SELECT count(*) FROM deals WHERE state = "
                             "'completed'"),
            kDeals);
}

}  // namespace
