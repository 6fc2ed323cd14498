// `check` and the operator's mistakes, with the built binary (CliTest): what
// check reports, and input the CLI refuses before anything changes (hostile
// input and an operator's probe): missing databases and directories, unbounded
// files and texts, the escrow as a party, short fingerprints, blank references,
// languages without templates.
#include <algorithm>
#include <cctype>

#include "cli_fixture.h"

namespace {

using namespace ct::testing;  // NOLINT: the fixture is the test's vocabulary

TEST_F(CliTest, CheckReportsEachPart) {
  CliRun check = Cli({"check"});
  // No escrow key in gpg.home: a configuration error, as elsewhere.
  EXPECT_EQ(check.status, 2) << check.out << check.err;
  EXPECT_NE(check.out.find("config: ok"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("rules: ok"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("templates: ok"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("database: ok"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("escrow key: FAILED"), std::string::npos);
  EXPECT_NE(check.out.find(std::string("gnupg runner: ok (") + CT_RUNNER + ")"),
            std::string::npos)
      << check.out;

  std::ofstream(dir_ / "ct.conf", std::ios::app)
      << "[money]\ncurrency = EURO\n";
  EXPECT_EQ(Cli({"check"}).status, 2);
}

// Side by side, gpg processes wait on random_seed unless gpg.conf
// says no-random-seed-file; check says how many workers a run will use.
TEST_F(CliTest, CheckSaysWhatWorkersNeed) {
  std::ofstream(dir_ / "ct.conf", std::ios::app) << "[inbox]\nworkers = 2\n";
  CliRun without = Cli({"check"});
  EXPECT_NE(without.out.find("workers: ok (1 of 2: add the line "
                             "`no-random-seed-file` to"),
            std::string::npos)
      << without.out;
  fs::create_directories(dir_ / "gpg");
  std::ofstream(dir_ / "gpg" / "gpg.conf", std::ios::app)
      << "no-random-seed-file\n";
  CliRun with = Cli({"check"});
  EXPECT_NE(with.out.find("workers: ok (2)"), std::string::npos) << with.out;
}

TEST_F(CliTest, CheckNamesAMistakeInARulesFile) {
  const fs::path rules = dir_ / "rules";
  fs::create_directories(rules);
  const std::string src = CT_TEST_SOURCE_DIR;
  for (const char* f : {"sale.toml", "exchange.toml"})
    fs::copy_file(fs::path(src) / "rules" / f, rules / f);
  std::string text = ReadAll(rules / "sale.toml");
  const std::string good = "deadline = \"ship_days\"";
  ASSERT_NE(text.find(good), std::string::npos);
  text.replace(text.find(good), good.size(), "deadline = \"shipdays\"");
  std::ofstream(rules / "sale.toml", std::ios::trunc) << text;
  std::string conf = ReadAll(dir_ / "ct.conf");
  const std::string shipped = "dir = " + src + "/rules";
  conf.replace(conf.find(shipped), shipped.size(), "dir = " + rules.string());
  std::ofstream(dir_ / "ct.conf", std::ios::trunc) << conf;
  CliRun check = Cli({"check"});
  EXPECT_EQ(check.status, 2);
  EXPECT_NE(check.out.find("sale.toml: states.funded.deadline: unknown "
                           "deadline key 'shipdays'"),
            std::string::npos)
      << check.out;
}

// A store.database in a directory that does not exist once made `list`
// create an empty database and exit 0, so that a typo showed "no deals".
TEST_F(CliTest, Issue8OnlyInitRunAndDaemonCreateTheDatabase) {
  const fs::path missing = dir_ / "typo" / "ct.db";
  std::string conf = ReadAll(dir_ / "ct.conf");
  const std::string db = (dir_ / "db" / "ct.db").string();
  conf.replace(conf.find(db), db.size(), missing.string());
  const fs::path typo = dir_ / "typo.conf";
  std::ofstream(typo) << conf;
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"--config", typo.string()});
    return Cli(args, kT0, false);
  };
  const std::vector<std::vector<std::string>> readers = {
      {"list"},
      {"show", "CT-00000000"},
      {"payouts"},
      {"tick"},
      {"keys", "list"},
      {"quarantine"},
      {"deposit", "CT-00000000", "seller", "5.00"},
      {"open", "sale", "--seller", "a@example.test", "--buyer",
       "b@example.test", "--item", "CD", "--price", "5"},
  };
  for (const auto& args : readers) {
    CliRun run = with(args);
    EXPECT_EQ(run.status, 2) << args[0] << ": " << run.err;
    EXPECT_NE(run.err.find("database " + missing.string() + " does not exist"),
              std::string::npos)
        << run.err;
    EXPECT_NE(run.err.find("run `cybertroc init`"), std::string::npos)
        << run.err;
  }
  CliRun check = with({"check"});
  EXPECT_NE(check.out.find("database: FAILED: database " + missing.string() +
                           " does not exist"),
            std::string::npos)
      << check.out;
  EXPECT_FALSE(fs::exists(missing.parent_path())) << "nothing was created";

  CliRun init = with({"--json", "init"});
  ASSERT_EQ(init.status, 0) << init.err;
  EXPECT_EQ(ParseJson(init.out).value("created", false), true) << init.out;
  EXPECT_TRUE(fs::exists(missing));
  CliRun again = with({"init"});
  EXPECT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("already exists"), std::string::npos) << again.out;
  CliRun list = with({"--json", "list"});
  EXPECT_EQ(list.status, 0) << list.err;
  EXPECT_EQ(ParseJson(list.out), Json::array()) << list.out;

  // `run` still creates a database on a fresh install.
  fs::remove_all(missing.parent_path());
  for (const char* sub : {"new", "cur", "tmp"})
    fs::create_directories(dir_ / "maildir" / sub);
  CliRun run = with({"run"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_TRUE(fs::exists(missing));
  EXPECT_NE(Cli({"--help"}).out.find("  init "), std::string::npos);
}

// `--config /dev/zero` and `keys import /dev/zero` once aborted with
// std::bad_alloc. Every file the CLI reads has a ceiling.
TEST_F(CliTest, Issue8FilesAreReadWithASizeLimit) {
  CliRun config = Cli({"--config", "/dev/zero", "list"}, kT0, false);
  EXPECT_EQ(config.status, 2);
  EXPECT_EQ(config.err,
            "cybertroc: config file /dev/zero: larger than 1 MiB, the most "
            "cybertroc reads for it\n");
  CliRun keys = Cli({"keys", "import", "/dev/zero"});
  EXPECT_EQ(keys.status, 2);
  EXPECT_NE(keys.err.find("key file /dev/zero: larger than 4 MiB"),
            std::string::npos)
      << keys.err;
  CliRun absent = Cli({"keys", "import", (dir_ / "none.asc").string()});
  EXPECT_EQ(absent.status, 2);
  EXPECT_NE(absent.err.find("no such file"), std::string::npos) << absent.err;

  std::ofstream(dir_ / "ct.conf", std::ios::app)
      << "[inbox]\npassword_file = /dev/zero\n";
  CliRun check = Cli({"check"});
  EXPECT_NE(check.out.find("inbox: FAILED: secret file /dev/zero: larger "
                           "than 64 KiB"),
            std::string::npos)
      << check.out;
}

// Items with CR or LF, or of 100 KB, were once accepted by `open`.
TEST_F(CliTest, Issue8OpenRefusesUnboundedOrControlTexts) {
  auto open = [&](const std::string& item) {
    return Cli({"open", "sale", "--seller", "alice@example.test", "--buyer",
                "bob@example.test", "--item", item, "--price", "5"});
  };
  CliRun crlf = open("CD\r\nBcc: victim@example.org");
  EXPECT_EQ(crlf.status, 2);
  EXPECT_EQ(crlf.err,
            "cybertroc: --item: control characters (line breaks, tabs…) are "
            "not allowed\n");
  CliRun huge = open(std::string(102400, 'x'));
  EXPECT_EQ(huge.status, 2);
  EXPECT_EQ(huge.err,
            "cybertroc: --item: at most 200 characters (this one has "
            "102400)\n");
  CliRun take = Cli({"open", "exchange", "--a", "ann@example.test", "--b",
                     "ben@example.test", "--give", "CD", "--take",
                     std::string(201, 'y'), "--value", "20"});
  EXPECT_EQ(take.status, 2);
  EXPECT_NE(take.err.find("--take: at most 200 characters"), std::string::npos)
      << take.err;
  std::string longest;
  for (int i = 0; i < 200; ++i) longest += "é";
  CliRun fits = open(longest);
  ASSERT_EQ(fits.status, 0) << fits.err;
  const std::string id = First(fits.out, "(CT-[0-9A-Z]{8})");
  EXPECT_EQ(JsonFields(ParseJson(Cli({"--json", "list"}).out), "id").size(),
            1u);

  CliRun ref = Cli({"deposit", id, "seller", "5.00", "--ref", "VIR\n1"});
  EXPECT_EQ(ref.status, 2);
  EXPECT_NE(ref.err.find("--ref: control characters"), std::string::npos)
      << ref.err;
  CliRun long_ref =
      Cli({"deposit", id, "seller", "5.00", "--ref", std::string(101, 'r')});
  EXPECT_EQ(long_ref.status, 2);
  EXPECT_NE(long_ref.err.find("--ref: at most 100 characters"),
            std::string::npos);
  EXPECT_EQ(Cli({"payout-done", "1", "--ref", "a\tb"}).status, 2);
}

// The escrow's own address was once accepted as a party of a deal.
TEST_F(CliTest, Issue8EscrowAndOperatorCannotBeParties) {
  CliRun escrow =
      Cli({"open", "sale", "--seller", "alice@example.test", "--buyer",
           "Escrow@Example.org", "--item", "CD", "--price", "5"});
  EXPECT_EQ(escrow.status, 2);
  EXPECT_EQ(escrow.err,
            "cybertroc: --buyer: escrow@example.org is the escrow's own "
            "address (outbox.from) and cannot be a party of a deal\n");
  CliRun op = Cli({"open", "exchange", "--a", "operator@example.test", "--b",
                   "ben@example.test", "--give", "CD", "--take", "LP",
                   "--value", "20"});
  EXPECT_EQ(op.status, 2);
  EXPECT_NE(op.err.find("--a: operator@example.test is the operator's "
                        "address (outbox.operator)"),
            std::string::npos)
      << op.err;
  EXPECT_EQ(ParseJson(Cli({"--json", "list"}).out), Json::array());
}

// Found by probing the CLI as an operator would: each of these was taken
// and acted on. Now each is refused with the reason, nothing changed.
TEST_F(CliTest, OperatorSlipsAreRefusedBeforeAnythingChanges) {
  // A language nobody wrote templates for: the mail would quietly be in
  // another one.
  CliRun lang =
      Cli({"open", "sale", "--seller", "alice@example.test", "--buyer",
           "bob@example.test", "--item", "CD", "--price", "5", "--lang", "de"});
  EXPECT_EQ(lang.status, 2);
  EXPECT_NE(lang.err.find("--lang: no templates in 'de'"), std::string::npos)
      << lang.err;
  EXPECT_EQ(ParseJson(Cli({"--json", "list"}).out), Json::array());
  // Not fingerprints: words with hex letters in them, a short key id.
  for (const std::string fpr :
       {"zzE30B104B0475E9FDB76Fzz", "bob@example.net", "104B0475E9FDB76F"}) {
    CliRun bind = Cli({"keys", "bind", "bob@example.net", fpr});
    EXPECT_EQ(bind.status, 2) << fpr;
    EXPECT_NE(bind.err.find("is not a key fingerprint"), std::string::npos)
        << bind.err;
  }
  // The evidence that a payout left is never blank.
  CliRun blank = Cli({"payout-done", "1", "--ref", " "});
  EXPECT_EQ(blank.status, 2);
  EXPECT_NE(blank.err.find("--ref is empty"), std::string::npos) << blank.err;
  // Input is quoted in errors, never echoed whole.
  CliRun long_id = Cli({"show", "CT-" + std::string(5000, 'A')});
  EXPECT_EQ(long_id.status, 2);
  EXPECT_LT(long_id.err.size(), 200u) << long_id.err;
  CliRun long_amount =
      Cli({"deposit", "CT-7K3QX9A2", "seller", std::string(5000, '9')});
  EXPECT_EQ(long_amount.status, 2);
  EXPECT_LT(long_amount.err.size(), 200u) << long_amount.err;
  EXPECT_EQ(Cli({"open", "--help"}).status, 0);
  // A rules directory the operator named is not swapped for another.
  std::string conf = ReadAll(dir_ / "ct.conf");
  const std::string rules_line =
      "[rules]\ndir = " + std::string(CT_TEST_SOURCE_DIR) + "/rules\n";
  ASSERT_NE(conf.find(rules_line), std::string::npos) << conf;
  conf.replace(conf.find(rules_line), rules_line.size(),
               "[rules]\ndir = " + (dir_ / "no-such-rules").string() + "\n");
  std::ofstream(dir_ / "ct.conf", std::ios::trunc) << conf;
  CliRun rules = Cli({"list"});
  EXPECT_EQ(rules.status, 2);
  EXPECT_NE(rules.err.find("rules.dir: '" + (dir_ / "no-such-rules").string() +
                           "' is not a directory"),
            std::string::npos)
      << rules.err;
  CliRun check = Cli({"check"});
  EXPECT_EQ(check.status, 2);
  EXPECT_NE(check.out.find("rules: FAILED"), std::string::npos) << check.out;
}

}  // namespace
