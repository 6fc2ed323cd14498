// Outgoing mail across a killed `cybertroc run` (docs/security.md "Crashes"):
// with the dir:// outbox, a run killed after the transport wrote a message and
// before its outbox row was marked sent used to write it again under a new name
// on the next run, and runs killed while writing left ".eml.tmp" files behind.
// Now a message's file is named after its outbox row, so a rerun finds it. The
// files of a batch are synced together (one syncfs, not an fsync each) and
// named at the transport's Flush, just before their rows are recorded as sent.
//
//   CrashBetweenWriteAndMarkSent  CYBERTROC_CRASH_AT=after-flush, then a
//                                 normal run: one file per outbox row,
//                                 carrying that row's Message-ID, no temp;
//                                 the files of the crashed run are kept.
//   CrashBeforeFlushLeavesNoName  CYBERTROC_CRASH_AT=after-send: the message
//                                 is in a dot-file only, removed and written
//                                 again by the next run.
//   RandomKills                   `run` killed (SIGKILL) at random moments,
//                                 again and again while deals keep queueing
//                                 mail, then a normal run: the same; some
//                                 kills leave several written messages
//                                 unrecorded (as dot-files or named files).
//   CrashLoopMovesTheOutboxForward  runs killed again and again shortly
//                                 after their first send, with 80 and
//                                 more queued: each run makes some of
//                                 them durable (its first batch is one
//                                 message; before, nothing until 32).
//   SendmailResendsTheSameMessageId  what sendmail (and SMTP) cannot avoid:
//                                 the message handed over before the crash
//                                 is handed over again, with the same
//                                 Message-ID, so the recipient's client can
//                                 drop the copy.
//   MessageIdGivenWhenQueued      a row has its Message-ID from
//                                 the transaction that queued it, not from
//                                 a separate write before the first attempt.
//   RowQueuedWithoutMessageIdKeepsTheOneItGets  a row an older version
//                                 queued gets its Message-ID before its
//                                 first attempt, as before.
//   TwoWorkersSendInQueueOrder    with messages composed on two
//                                 threads, the transport still gets them
//                                 one by one in queue order, each once.
// Every run has two workers ([inbox] workers = 2): sent rows are recorded
// a batch at a time, so a kill leaves several sent, unrecorded rows.
// Real gpg signs each message (an escrow key made for the test).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "cli_fixture.h"

namespace {

using namespace ct::testing;  // NOLINT: the fixture is the test's vocabulary

constexpr int kCrashStatus = 137;

struct Row {
  std::string id, status, message_id;
};

class OutboxCrashTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    fs::permissions(dir_ / "gpg", fs::perms::owner_all);
    ASSERT_EQ(
        Shell("gpg --homedir " + Quote((dir_ / "gpg").string()) +
              " --batch --quiet --passphrase '' --quick-gen-key "
              "'CyberTroc <escrow@example.test>' ed25519 sign,cert never"),
        0);
    fpr_ = First(Output("gpg --homedir " + Quote((dir_ / "gpg").string()) +
                        " --with-colons --list-secret-keys"),
                 "\nfpr:+([0-9A-F]{40}):");
    ASSERT_EQ(fpr_.size(), 40u);
    WriteConfig("dir://" + (dir_ / "out").string());
  }

  void TearDown() override {
    Shell("gpgconf --homedir " + Quote((dir_ / "gpg").string()) +
          " --kill all");
    CliTest::TearDown();
  }

  void WriteConfig(const std::string& outbox_url) {
    const std::string src = CT_TEST_SOURCE_DIR;
    std::ofstream(dir_ / "ct.conf", std::ios::trunc)
        << "[store]\ndatabase = " << (dir_ / "db" / "ct.db").string() << "\n"
        << "[inbox]\nurl = maildir://" << (dir_ / "maildir").string() << "\n"
        << "workers = 2\n"
        << "[outbox]\nurl = " << outbox_url << "\n"
        << "from = CyberTroc <escrow@example.test>\n"
        << "operator = operator@example.test\n"
        << "[gpg]\nhome = " << (dir_ / "gpg").string() << "\n"
        << "escrow_key = " << fpr_ << "\n"
        << "[rules]\ndir = " << src << "/rules\n"
        << "[templates]\ndir = " << src << "/templates\n"
        << "default_language = en\n"
        << "[log]\nfile = " << (dir_ / "ct.log").string() << "\n";
    for (const char* sub : {"new", "cur", "tmp"})
      fs::create_directories(dir_ / "maildir" / sub);
  }

  static int Shell(const std::string& cmd) {
    const int status = std::system((cmd + " >/dev/null 2>&1").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  static std::string Output(const std::string& cmd) {
    std::string out;
    FILE* pipe = popen((cmd + " 2>/dev/null").c_str(), "r");
    if (!pipe) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    pclose(pipe);
    return out;
  }

  std::vector<Row> Rows() {
    const std::string out =
        Output("sqlite3 -batch -noheader -separator '|' " +
               Quote((dir_ / "db" / "ct.db").string()) +
               " 'SELECT id, status, message_id FROM outbox ORDER BY id'");
    std::vector<Row> rows;
    for (const auto& line : All(out, "([^\n]+)")) {
      const auto fields = All(line + "|", "([^|]*)\\|");
      if (fields.size() == 3) rows.push_back({fields[0], fields[1], fields[2]});
    }
    return rows;
  }

  int Queued() {
    const std::vector<Row> rows = Rows();
    return static_cast<int>(
        std::count_if(rows.begin(), rows.end(),
                      [](const Row& row) { return row.status == "queued"; }));
  }

  // Every name in `dir`, dot-files too.
  static std::vector<std::string> Names(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  static std::string MessageId(const fs::path& file) {
    return First(ReadAll(file), "(?:^|\n)Message-ID: (<[^>\r\n]+>)");
  }

  // Opens a sale: its offer queues one mail to each party.
  void Offer() {
    CliRun open = Cli({"open", "sale", "--seller", "alice@example.test",
                       "--buyer", "bob@example.test", "--item", "CD", "--price",
                       "25.00", "--shipping", "5.00"});
    ASSERT_EQ(open.status, 0) << open.err;
  }

  // Every row sent, and out/ holds exactly one file per row, named after
  // the row id and carrying the row's Message-ID, and nothing else.
  void ExpectOneFilePerRow() {
    const std::vector<Row> rows = Rows();
    const std::vector<std::string> names = Names(dir_ / "out");
    ASSERT_EQ(names.size(), rows.size()) << ::testing::PrintToString(names);
    for (size_t i = 0; i < rows.size(); ++i) {
      SCOPED_TRACE(names[i]);
      EXPECT_EQ(rows[i].status, "sent");
      EXPECT_TRUE(names[i].starts_with(
          std::string(10 - rows[i].id.size(), '0') + rows[i].id + "-"));
      EXPECT_TRUE(names[i].ends_with(".eml"));
      EXPECT_EQ(MessageId(dir_ / "out" / names[i]), rows[i].message_id);
    }
  }

  // `cybertroc run` started in a process of its own (output discarded), to
  // be killed; its pid, or -1.
  pid_t StartRun() {
    const std::string config = (dir_ / "ct.conf").string();
    const pid_t pid = fork();
    if (pid == 0) {
      setenv("CYBERTROC_NOW", kT0, 1);
      freopen("/dev/null", "w", stdout);
      freopen("/dev/null", "w", stderr);
      execl(CT_BINARY, CT_BINARY, "--config", config.c_str(), "run", nullptr);
      _exit(127);
    }
    return pid;
  }

  std::string fpr_;
};

// The same notification was once written twice after a crash.
TEST_F(OutboxCrashTest, CrashBetweenWriteAndMarkSent) {
  for (int i = 0; i < 3; ++i) Offer();
  ASSERT_EQ(Rows().size(), 6u);
  extra_env_ = "CYBERTROC_CRASH_AT=after-flush";
  ASSERT_EQ(Cli({"run"}).status, kCrashStatus) << "the crash point was reached";
  extra_env_.clear();
  const std::vector<std::string> written = Names(dir_ / "out");
  ASSERT_GE(written.size(), 1u) << "the first batch was named";
  const std::vector<Row> before = Rows();
  std::map<std::string, std::string> first_bytes;
  for (size_t i = 0; i < written.size(); ++i) {
    EXPECT_EQ(before[i].status, "queued") << "not marked sent: the crash came";
    EXPECT_EQ(MessageId(dir_ / "out" / written[i]), before[i].message_id);
    first_bytes[written[i]] = ReadAll(dir_ / "out" / written[i]);
  }

  CliRun rerun = Cli({"run"});
  ASSERT_EQ(rerun.status, 0) << rerun.err;
  ExpectOneFilePerRow();
  for (const auto& [name, bytes] : first_bytes)
    EXPECT_EQ(ReadAll(dir_ / "out" / name), bytes)
        << name << ": the file of the crashed run is kept as it was";
  EXPECT_EQ(Rows()[0].message_id, before[0].message_id);
  EXPECT_NE(rerun.out.find(" 6 sent,"), std::string::npos) << rerun.out;
}

TEST_F(OutboxCrashTest, CrashBeforeFlushLeavesNoName) {
  for (int i = 0; i < 2; ++i) Offer();
  extra_env_ = "CYBERTROC_CRASH_AT=after-send";
  ASSERT_EQ(Cli({"run"}).status, kCrashStatus) << "the crash point was reached";
  extra_env_.clear();
  const std::vector<std::string> left = Names(dir_ / "out");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_TRUE(left[0].starts_with(".") && left[0].ends_with(".eml.tmp"))
      << left[0] << ": a message is named only once it is synced";
  EXPECT_EQ(Rows()[0].status, "queued");

  CliRun rerun = Cli({"run"});
  ASSERT_EQ(rerun.status, 0) << rerun.err;
  ExpectOneFilePerRow();
  EXPECT_NE(rerun.out.find(" 4 sent,"), std::string::npos) << rerun.out;
}

// Many kills at random moments: the crash test that found the double write.
TEST_F(OutboxCrashTest, RandomKills) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  // Shrinks when runs finish before the kill, grows when kills land before
  // the first send (a slow machine, a sanitizer build): the kills must keep
  // falling inside the sending, whatever the speed.
  int max_delay_ms = 250;
  int killed = 0;
  size_t most_unrecorded = 0;  // messages a kill left written, not recorded
  // Until 30 runs were killed midway (a run that finishes first teaches the
  // delay, and does not count), at most 60 runs.
  int round = 0;
  for (; round < 60 && killed < 30; ++round) {
    // 16 queued: past a run's first batches (1, 2, 4), so that a kill can
    // fall while a batch of several is written and not yet recorded.
    for (int queued = Queued(); queued < 16; queued += 2) Offer();
    const size_t files_before = Names(dir_ / "out").size();
    const pid_t pid = StartRun();
    ASSERT_GT(pid, 0);
    std::uniform_int_distribution<int> delay_ms(0, max_delay_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
      ++killed;
      if (Names(dir_ / "out").size() == files_before)  // killed too early
        max_delay_ms = std::min(4000, max_delay_ms * 3 / 2);
    } else {
      ASSERT_EQ(WEXITSTATUS(status), 0) << "a run that was not killed";
      max_delay_ms = std::max(10, max_delay_ms * 2 / 3);
    }
    // Never two files of one message, whatever the moment of the kill.
    std::map<std::string, int> copies;
    size_t unnamed = 0;  // dot-files: written, to be named at Flush
    for (const auto& name : Names(dir_ / "out")) {
      if (name.starts_with(".")) {
        ++unnamed;
      } else {
        ++copies[MessageId(dir_ / "out" / name)];
      }
    }
    for (const auto& [message_id, count] : copies)
      ASSERT_EQ(count, 1) << message_id << " written twice, round " << round;
    size_t recorded = 0;
    for (const Row& row : Rows()) recorded += row.status == "sent";
    most_unrecorded =
        std::max(most_unrecorded, copies.size() - recorded + unnamed);
  }
  std::printf("%d of %d runs killed, at most %zu sent and not recorded\n",
              killed, round, most_unrecorded);
  EXPECT_GE(killed, 20) << "most runs must be killed midway";
  EXPECT_GE(most_unrecorded, 2u)
      << "some kills must fall after several sends, before their record";
  CliRun last = Cli({"run"});
  ASSERT_EQ(last.status, 0) << last.err;
  ExpectOneFilePerRow();
}

TEST_F(OutboxCrashTest, CrashLoopMovesTheOutboxForward) {
  // The kill falls this long after the run's first message reaches out/:
  // well inside its first full batch (32 messages, or 1 s), long enough
  // for one message's flush and commit on a loaded machine.
#if defined(__SANITIZE_ADDRESS__)
  constexpr auto kKillAfterFirstSend = std::chrono::milliseconds(600);
#else
  constexpr auto kKillAfterFirstSend = std::chrono::milliseconds(250);
#endif
  int target = 80;  // queued before each run; doubles when a run finishes
  int killed = 0;
  for (int round = 0; round < 25; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    for (int queued = Queued(); queued < target; queued += 2) Offer();
    const int before = Queued();
    // A dot-file a killed run left is removed by the next one: only a name
    // not there before is a send.
    const std::vector<std::string> names_before = Names(dir_ / "out");
    auto sent_something = [&] {
      for (const auto& name : Names(dir_ / "out"))
        if (!std::binary_search(names_before.begin(), names_before.end(), name))
          return true;
      return false;
    };
    const pid_t pid = StartRun();
    ASSERT_GT(pid, 0);
    int status = 0;
    pid_t ended = 0;
    const auto give_up =
        std::chrono::steady_clock::now() + std::chrono::minutes(2);
    while ((ended = waitpid(pid, &status, WNOHANG)) == 0 && !sent_something() &&
           std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (ended == 0) {
      std::this_thread::sleep_for(kKillAfterFirstSend);
      kill(pid, SIGKILL);
      ASSERT_EQ(waitpid(pid, &status, 0), pid);
    }
    if (WIFSIGNALED(status)) {
      ++killed;
    } else {
      ASSERT_EQ(WEXITSTATUS(status), 0) << "a run that was not killed";
      target = std::min(640, target * 2);
    }
    const int after = Queued();
    ASSERT_LT(after, before) << "a run killed " << kKillAfterFirstSend.count()
                             << " ms after its first send made none durable";
  }
  std::printf("%d of 25 runs killed\n", killed);
  EXPECT_GE(killed, 15) << "most runs must be killed while sending";
  CliRun last = Cli({"run"});
  ASSERT_EQ(last.status, 0) << last.err;
  ExpectOneFilePerRow();
}

// What sendmail and SMTP cannot promise: the message handed over before the
// crash is handed over again; it keeps its Message-ID.
TEST_F(OutboxCrashTest, SendmailResendsTheSameMessageId) {
  const fs::path fake = dir_ / "sendmail";
  fs::create_directories(dir_ / "handed");
  std::ofstream(fake) << "#!/bin/sh\ncat > "
                      << Quote((dir_ / "handed").string())
                      << "/$(date +%s%N)-$$.eml\n";
  fs::permissions(fake, fs::perms::owner_all);
  WriteConfig("sendmail://" + fake.string());
  for (int i = 0; i < 2; ++i) Offer();
  extra_env_ = "CYBERTROC_CRASH_AT=after-send";
  ASSERT_EQ(Cli({"run"}).status, kCrashStatus);
  extra_env_.clear();
  ASSERT_EQ(Cli({"run"}).status, 0);
  std::map<std::string, int> copies;
  for (const auto& name : Names(dir_ / "handed"))
    ++copies[MessageId(dir_ / "handed" / name)];
  const std::vector<Row> rows = Rows();
  ASSERT_EQ(rows.size(), 4u);
  ASSERT_EQ(copies.size(), rows.size()) << "one Message-ID per row";
  for (const Row& row : rows) {
    EXPECT_EQ(row.status, "sent");
    EXPECT_EQ(copies[row.message_id], row.id == rows[0].id ? 2 : 1)
        << row.message_id;
  }
}

// The Message-ID is written with the row, so that sending needs
// no write of its own before the first attempt.
TEST_F(OutboxCrashTest, MessageIdGivenWhenQueued) {
  for (int i = 0; i < 2; ++i) Offer();
  const std::vector<Row> queued = Rows();
  ASSERT_EQ(queued.size(), 4u);
  std::set<std::string> ids;
  for (const Row& row : queued) {
    EXPECT_EQ(row.status, "queued");
    EXPECT_TRUE(std::regex_match(
        row.message_id, std::regex("<ct\\.[0-9a-f]{32}@example\\.test>")))
        << row.message_id;
    ids.insert(row.message_id);
  }
  EXPECT_EQ(ids.size(), queued.size()) << "one Message-ID per row";
  ASSERT_EQ(Cli({"run"}).status, 0);
  ExpectOneFilePerRow();
  const std::vector<Row> sent = Rows();
  for (size_t i = 0; i < sent.size(); ++i)
    EXPECT_EQ(sent[i].message_id, queued[i].message_id);
}

// A row queued by an older version has no Message-ID: it gets one, saved
// before its first attempt, and keeps it across a crash.
TEST_F(OutboxCrashTest, RowQueuedWithoutMessageIdKeepsTheOneItGets) {
  for (int i = 0; i < 2; ++i) Offer();
  ASSERT_EQ(Shell("sqlite3 " + Quote((dir_ / "db" / "ct.db").string()) +
                  " \"UPDATE outbox SET message_id = ''\""),
            0);
  extra_env_ = "CYBERTROC_CRASH_AT=after-flush";
  ASSERT_EQ(Cli({"run"}).status, kCrashStatus);
  extra_env_.clear();
  const std::vector<Row> crashed = Rows();
  ASSERT_FALSE(crashed[0].message_id.empty());
  const std::vector<std::string> written = Names(dir_ / "out");
  ASSERT_GE(written.size(), 1u);
  EXPECT_EQ(MessageId(dir_ / "out" / written[0]), crashed[0].message_id);
  ASSERT_EQ(Cli({"run"}).status, 0);
  ExpectOneFilePerRow();
  EXPECT_EQ(Rows()[0].message_id, crashed[0].message_id);
}

// Composed in parallel, sent in order, each message once.
TEST_F(OutboxCrashTest, TwoWorkersSendInQueueOrder) {
  const fs::path fake = dir_ / "sendmail";
  const fs::path log = dir_ / "handed.log";
  // Reads the whole message (sendmail must not see a broken pipe) and logs
  // its Message-ID.
  std::ofstream(fake) << "#!/bin/sh\ntr -d '\\r' | "
                      << "awk '/^Message-ID: / && !n { print; n = 1 }' >> "
                      << Quote(log.string()) << "\n";
  fs::permissions(fake, fs::perms::owner_all);
  WriteConfig("sendmail://" + fake.string());
  for (int i = 0; i < 12; ++i) Offer();
  CliRun run = Cli({"run"});
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find(" 24 sent,"), std::string::npos) << run.out;
  std::vector<std::string> expected;
  for (const Row& row : Rows()) {
    EXPECT_EQ(row.status, "sent");
    expected.push_back(row.message_id);
  }
  EXPECT_EQ(All(ReadAll(log), "Message-ID: ([^\n]+)\n"), expected);
}

}  // namespace
