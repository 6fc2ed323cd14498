// config::Load and config::ResolvePath: defaults, every key (docs/operator.md
// "Configuration"), and an error naming the file and the key for every kind of
// bad value.
#include "config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

namespace ct::config {
namespace {

namespace fs = std::filesystem;

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::temp_directory_path() / "config_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes `text` as DIR/cybertroc.conf and returns its path.
  std::string Write(const std::string& text) {
    const std::string path = (dir_ / "cybertroc.conf").string();
    std::ofstream(path) << text;
    return path;
  }

  fs::path dir_;
};

// Restores an environment variable when the test ends.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST_F(ConfigTest, MissingFileWithMissingOkGivesDefaults) {
  auto config = Load((dir_ / "absent.conf").string(), /*missing_ok=*/true);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->path, "");
  EXPECT_EQ(config->store.database, "/var/lib/cybertroc/cybertroc.db");
  EXPECT_EQ(config->inbox.poll_interval, 60);
  EXPECT_EQ(config->inbox.max_message_size, 1048576);
  EXPECT_EQ(config->inbox.workers, DefaultWorkers());
  EXPECT_EQ(config->outbox.max_replies_per_day, 10);
  EXPECT_EQ(config->templates.default_language, "fr");
  EXPECT_EQ(config->policy.money.currency, "EUR");
  EXPECT_EQ(config->policy.money.commission.basis_points, 200);
  EXPECT_EQ(config->policy.deadlines.days.at("dispute_max_days"), 366);
  EXPECT_EQ(config->policy.deadlines.reminder_days, (std::vector<int>{7, 1}));
  EXPECT_EQ(config->log.level, "info");
}

// inbox.workers defaults to one worker per core, never 0 (an unknown core
// count) and never more than the key accepts.
TEST(ConfigDefaults, WorkersFollowTheCoresWithinBounds) {
  const unsigned cores = std::thread::hardware_concurrency();
  const int expected = cores == 0 ? 1 : static_cast<int>(std::min(cores, 64u));
  EXPECT_EQ(DefaultWorkers(), expected);
  EXPECT_GE(Config().inbox.workers, 1);
  EXPECT_LE(Config().inbox.workers, kMaxWorkers);
}

TEST_F(ConfigTest, MissingFileIsAnErrorUnlessMissingOk) {
  const std::string path = (dir_ / "absent.conf").string();
  auto config = Load(path, /*missing_ok=*/false);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().kind, ErrorKind::kConfig);
  EXPECT_NE(config.error().message.find(path), std::string::npos);
}

TEST_F(ConfigTest, DirectoryIsNotAConfigFile) {
  auto config = Load(dir_.string(), /*missing_ok=*/true);
  ASSERT_FALSE(config.has_value());
  EXPECT_EQ(config.error().kind, ErrorKind::kConfig);
}

constexpr char kEveryKey[] = R"(
# every key, none at its default
[store]
database = /srv/ct/ct.db
[inbox]
url = maildir:///srv/mail/escrow
password_file = /etc/ct/inbox.pw
tls_ca_file = /etc/ct/ca.pem
processed_folder = Done
poll_interval = 30   # seconds
max_message_size = 2048
workers = 3
[outbox]
url = smtps://escrow@mail.example.net:465
password_file = /etc/ct/smtp.pw
from = Escrow <escrow@example.net>
operator = boss@example.net
give_up_hours = 12
max_replies_per_day = 3
[gpg]
home = /srv/ct/gnupg
escrow_key = 0123 4567 89ab cdef 0123  4567 89AB CDEF 0123 4567
operator_key = FEDCBA9876543210FEDCBA9876543210FEDCBA98
encrypt_replies = no
max_signature_age_days = 2
[rules]
dir = /srv/ct/rules
[templates]
dir = /srv/ct/templates
default_language = en
[money]
commission = 1.50 CHF   # fixed, checked against the currency below
currency = CHF
commission_payer = seller
franchise = 5.5%
bond_includes_shipping = false
[deadlines]
offer_days = 1
deposit_days = 2
ship_days = 3
delivery_days = 4
return_ship_days = 5
return_days = 6
dispute_max_days = 7
expired_alert_days = 8
reminder_days = 1, 3
[log]
level = debug
file = /var/log/ct.log
)";

TEST_F(ConfigTest, EveryKeyParsed) {
  const std::string path = Write(kEveryKey);
  auto config = Load(path, /*missing_ok=*/false);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const Config& c = *config;
  EXPECT_EQ(c.path, path);
  EXPECT_EQ(c.store.database, "/srv/ct/ct.db");
  EXPECT_EQ(c.inbox.url, "maildir:///srv/mail/escrow");
  EXPECT_EQ(c.inbox.password_file, "/etc/ct/inbox.pw");
  EXPECT_EQ(c.inbox.tls_ca_file, "/etc/ct/ca.pem");
  EXPECT_EQ(c.inbox.processed_folder, "Done");
  EXPECT_EQ(c.inbox.poll_interval, 30);
  EXPECT_EQ(c.inbox.max_message_size, 2048);
  EXPECT_EQ(c.inbox.workers, 3);
  EXPECT_EQ(c.outbox.url, "smtps://escrow@mail.example.net:465");
  EXPECT_EQ(c.outbox.password_file, "/etc/ct/smtp.pw");
  EXPECT_EQ(c.outbox.from, "Escrow <escrow@example.net>");
  EXPECT_EQ(c.outbox.operator_address, "boss@example.net");
  EXPECT_EQ(c.outbox.give_up_hours, 12);
  EXPECT_EQ(c.outbox.max_replies_per_day, 3);
  EXPECT_EQ(c.gpg.home, "/srv/ct/gnupg");
  EXPECT_EQ(c.gpg.escrow_key, "0123456789ABCDEF0123456789ABCDEF01234567");
  EXPECT_EQ(c.gpg.operator_key, "FEDCBA9876543210FEDCBA9876543210FEDCBA98");
  EXPECT_FALSE(c.gpg.encrypt_replies);
  EXPECT_EQ(c.gpg.max_signature_age_days, 2);
  EXPECT_EQ(c.rules.dir, "/srv/ct/rules");
  EXPECT_EQ(c.templates.dir, "/srv/ct/templates");
  EXPECT_EQ(c.templates.default_language, "en");
  EXPECT_EQ(c.policy.money.currency, "CHF");
  EXPECT_FALSE(c.policy.money.commission.is_percent);
  EXPECT_EQ(c.policy.money.commission.fixed.minor(), 150);
  EXPECT_EQ(c.policy.money.commission_payer, "seller");
  EXPECT_TRUE(c.policy.money.franchise.is_percent);
  EXPECT_EQ(c.policy.money.franchise.basis_points, 550);
  EXPECT_FALSE(c.policy.money.bond_includes_shipping);
  const auto& days = c.policy.deadlines.days;
  EXPECT_EQ(days.at("offer_days"), 1);
  EXPECT_EQ(days.at("deposit_days"), 2);
  EXPECT_EQ(days.at("ship_days"), 3);
  EXPECT_EQ(days.at("delivery_days"), 4);
  EXPECT_EQ(days.at("return_ship_days"), 5);
  EXPECT_EQ(days.at("return_days"), 6);
  EXPECT_EQ(days.at("dispute_max_days"), 7);
  EXPECT_EQ(days.at("expired_alert_days"), 8);
  EXPECT_EQ(c.policy.deadlines.reminder_days, (std::vector<int>{3, 1}));
  EXPECT_EQ(c.log.level, "debug");
  EXPECT_EQ(c.log.file, "/var/log/ct.log");
}

TEST_F(ConfigTest, CommentsAndBlankLinesIgnored) {
  auto config = Load(Write("; a comment\n  # another\n\n[inbox]\n"
                           "poll_interval = 5 # inline\n"
                           "  ; indented\n"),
                     false);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->inbox.poll_interval, 5);
}

TEST_F(ConfigTest, RelativePathsAreTakenFromTheConfigDirectory) {
  auto config = Load(Write("[store]\ndatabase = data/ct.db\n"
                           "[log]\nfile = ../ct.log\n"),
                     false);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->store.database, (dir_ / "data/ct.db").string());
  EXPECT_EQ(config->log.file, (dir_.parent_path() / "ct.log").string());
}

TEST_F(ConfigTest, EmptyOptionalPathsStayEmpty) {
  auto config = Load(Write("[log]\nfile =\n[inbox]\ntls_ca_file =\n"), false);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_EQ(config->log.file, "");
  EXPECT_EQ(config->inbox.tls_ca_file, "");
}

TEST_F(ConfigTest, BooleanSpellings) {
  const struct {
    const char* text;
    bool value;
  } kCases[] = {{"true", true}, {"yes", true},    {"1", true},
                {"YES", true},  {"false", false}, {"no", false},
                {"0", false},   {"False", false}};
  for (const auto& c : kCases) {
    auto config = Load(
        Write(std::string("[gpg]\nencrypt_replies = ") + c.text + "\n"), false);
    ASSERT_TRUE(config.has_value()) << c.text << ": " << config.error().message;
    EXPECT_EQ(config->gpg.encrypt_replies, c.value) << c.text;
  }
}

TEST_F(ConfigTest, ReminderLists) {
  const struct {
    const char* text;
    std::vector<int> days;
  } kCases[] = {{"7,1", {7, 1}},
                {"1, 7", {7, 1}},
                {"3", {3}},
                {"2,2,5", {5, 2}},
                {"", {}}};
  for (const auto& c : kCases) {
    auto config = Load(
        Write(std::string("[deadlines]\nreminder_days = ") + c.text + "\n"),
        false);
    ASSERT_TRUE(config.has_value()) << c.text << ": " << config.error().message;
    EXPECT_EQ(config->policy.deadlines.reminder_days, c.days) << c.text;
  }
}

TEST_F(ConfigTest, PercentRatesAndAmounts) {
  auto config =
      Load(Write("[money]\ncommission = 0%\nfranchise = 2,50 EUR\n"), false);
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(config->policy.money.commission.is_percent);
  EXPECT_EQ(config->policy.money.commission.basis_points, 0);
  EXPECT_FALSE(config->policy.money.franchise.is_percent);
  EXPECT_EQ(config->policy.money.franchise.fixed.minor(), 250);
}

// Each bad file must fail with a kConfig error containing `expected`
// (prefixed with the file's path).
TEST_F(ConfigTest, BadValuesNameTheKey) {
  const struct {
    const char* file;
    const char* expected;
  } kCases[] = {
      {"[inbox]\nurll = x\n", "inbox.urll: unknown key"},
      {"[money]\nreminder_days = 7\n",
       "money.reminder_days: unknown key (did you mean "
       "deadlines.reminder_days?)"},
      {"[extra]\nkey = 1\n", "extra.key: unknown key"},
      {"database = x.db\n", "database: unknown key"},
      {"[money]\ncommission = lots\n",
       "money.commission: expected a percentage such as 2% or an amount such "
       "as 1.50, got 'lots'"},
      {"[money]\ncommission = 150%\n", "money.commission: expected"},
      {"[money]\ncommission = -1%\n", "money.commission: expected"},
      {"[money]\ncommission = 1.50 USD\n", "money.commission: expected"},
      {"[money]\nfranchise = 1.505\n", "money.franchise: expected"},
      {"[money]\ncommission_payer = both\n",
       "money.commission_payer: expected seller, buyer or split, got 'both'"},
      {"[money]\ncurrency = euro\n",
       "money.currency: expected a three-letter currency code such as EUR, "
       "got 'euro'"},
      {"[money]\ncurrency = eur\n", "money.currency: expected"},
      {"[money]\ncurrency = E1R\n", "money.currency: expected"},
      {"[money]\nbond_includes_shipping = maybe\n",
       "money.bond_includes_shipping: expected true, false, yes, no, 1 or 0, "
       "got 'maybe'"},
      {"[gpg]\nencrypt_replies =\n", "gpg.encrypt_replies: expected"},
      {"[deadlines]\nreminder_days = 7;1\n",
       "deadlines.reminder_days: expected days before the deadline such as "
       "7,1, got '7;1'"},
      {"[deadlines]\nreminder_days = 7,,1\n", "deadlines.reminder_days"},
      {"[deadlines]\nreminder_days = 7,1,\n", "deadlines.reminder_days"},
      {"[deadlines]\nreminder_days = 0\n", "deadlines.reminder_days"},
      {"[deadlines]\noffer_days = 0\n",
       "deadlines.offer_days: expected a whole number from 1 to 36500, got "
       "'0'"},
      {"[deadlines]\nship_days = 1.5\n", "deadlines.ship_days: expected"},
      {"[deadlines]\nfortnight_days = 14\n",
       "deadlines.fortnight_days: unknown key"},
      {"[inbox]\npoll_interval = -5\n", "inbox.poll_interval: expected"},
      {"[inbox]\npoll_interval = soon\n", "inbox.poll_interval: expected"},
      {"[inbox]\nworkers = 0\n", "inbox.workers: expected"},
      {"[inbox]\nworkers = 65\n", "inbox.workers: expected"},
      {"[inbox]\nworkers = two\n", "inbox.workers: expected"},
      {"[inbox]\nmax_message_size = 99999999999999999999\n",
       "inbox.max_message_size: expected"},
      {"[outbox]\ngive_up_hours = 0\n", "outbox.give_up_hours: expected"},
      {"[outbox]\nmax_replies_per_day = -1\n",
       "outbox.max_replies_per_day: expected"},
      {"[gpg]\nmax_signature_age_days = 0\n",
       "gpg.max_signature_age_days: expected"},
      {"[inbox]\nurl = http://mail.example.org/\n",
       "inbox.url: expected a URL starting with imap://, imaps://, pop3://, "
       "pop3s://, maildir://"},
      {"[outbox]\nurl = imaps://mail.example.org\n", "outbox.url: expected"},
      {"[outbox]\noperator = Operator <op@example.org>\n",
       "outbox.operator: expected an e-mail address"},
      {"[outbox]\nfrom = escrow\n", "outbox.from: expected"},
      {"[outbox]\nfrom = a@example.org, b@example.org\n",
       "outbox.from: expected one address such as CyberTroc "
       "<escrow@example.org>, got 'a@example.org, b@example.org' (2 "
       "addresses, expected one)"},
      {"[outbox]\nfrom = Team: a@example.org;\n", "(a group"},
      {"[outbox]\nfrom = Escrow <escrow@example.org\n", "(unclosed '<'"},
      {"[outbox]\nfrom = Escrow (of the troc <escrow@example.org>\n",
       "(unclosed comment"},
      {"[gpg]\nescrow_key = 1234\n",
       "gpg.escrow_key: expected a key fingerprint of 40 hex digits"},
      {"[gpg]\noperator_key = operator@example.org\n", "gpg.operator_key"},
      {"[templates]\ndefault_language = ../../etc\n",
       "templates.default_language: expected a language code"},
      {"[store]\ndatabase =\n", "store.database: expected a file or directory"},
      {"[log]\nlevel = loud\n",
       "log.level: expected trace, debug, info, warn, error, critical or off, "
       "got 'loud'"},
      {"[log]\nlevel = info\nlevel = debug\n",
       "log.level: given more than once"},
      {"[inbox]\nthis line has no equals sign\n",
       ":2: invalid line, expected 'key = value' or '[section]': 'this line "
       "has no equals sign'"},
      {"# comment\n; comment\n[log]\n = info\n", ":4: invalid line"},
      // Boost 1.74 looped forever on its own placeholder in a bad line (found
      // by the config fuzzer): the line is reported like any other.
      {"[log]\n%invalid_line%\n", ":2: invalid line, expected"},
  };
  for (const auto& c : kCases) {
    const std::string path = Write(c.file);
    auto config = Load(path, false);
    ASSERT_FALSE(config.has_value()) << c.file;
    EXPECT_EQ(config.error().kind, ErrorKind::kConfig) << c.file;
    const std::string& message = config.error().message;
    EXPECT_TRUE(message.starts_with(path + ":")) << message;
    EXPECT_NE(message.find(c.expected), std::string::npos)
        << "file:\n"
        << c.file << "message: " << message;
  }
}

// The From of every outgoing mail. Each form a person may write is
// read; a display name has a length limit.
TEST_F(ConfigTest, OutboxFromIsOneMailbox) {
  for (const std::string from :
       {"Cybertroc Échanges <escrow@example.org>",
        "escrow@example.org (CyberTroc)", "\"Troc, Inc.\" <e@example.org>",
        "<escrow@example.org>", "escrow@example.org"}) {
    auto config = Load(Write("[outbox]\nfrom = " + from + "\n"), false);
    ASSERT_TRUE(config.has_value()) << from << ": " << config.error().message;
    EXPECT_EQ(config->outbox.from, from);
  }
  auto long_name = Load(
      Write("[outbox]\nfrom = " + std::string(101, 'n') + " <e@example.org>\n"),
      false);
  ASSERT_FALSE(long_name.has_value());
  EXPECT_NE(long_name.error().message.find(
                "(display name: at most 100 characters (this one has 101))"),
            std::string::npos)
      << long_name.error().message;
}

// outbox.operator is kept canonical: the operator's mail (its From) and an
// offer naming it by another spelling compare equal to it.
TEST_F(ConfigTest, OperatorAddressIsKeptCanonical) {
  for (const std::string op :
       {"operator@example.org", "Operator@Example.ORG", "operator@example.org.",
        "\"operator\"@example.org"}) {
    auto config = Load(Write("[outbox]\noperator = " + op + "\n"), false);
    ASSERT_TRUE(config.has_value()) << op << ": " << config.error().message;
    EXPECT_EQ(config->outbox.operator_address, "operator@example.org") << op;
  }
  auto literal = Load(Write("[outbox]\noperator = op@[192.0.2.1]\n"), false);
  ASSERT_FALSE(literal.has_value());
  EXPECT_NE(literal.error().message.find("address literals"), std::string::npos)
      << literal.error().message;
}

// `--config /dev/zero` once aborted with std::bad_alloc.
TEST_F(ConfigTest, Issue8ConfigIsReadWithASizeLimit) {
  auto zero = Load("/dev/zero", false);
  ASSERT_FALSE(zero.has_value());
  EXPECT_EQ(zero.error().kind, ErrorKind::kConfig);
  EXPECT_EQ(zero.error().message,
            "config file /dev/zero: larger than 1 MiB, the most cybertroc "
            "reads for it");
  const std::string big = Write("# " + std::string(1 << 20, 'x') + "\n");
  auto too_big = Load(big, false);
  ASSERT_FALSE(too_big.has_value());
  EXPECT_NE(too_big.error().message.find("larger than 1 MiB"),
            std::string::npos);
}

TEST_F(ConfigTest, EveryBadKeyIsReported) {
  auto config = Load(Write("[inbox]\npoll_interval = x\nbogus = 1\n"), false);
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("inbox.poll_interval"),
            std::string::npos);
  EXPECT_NE(config.error().message.find("inbox.bogus"), std::string::npos);
}

TEST_F(ConfigTest, PasswordInUrlIsRefusedWithoutEchoingIt) {
  auto config = Load(
      Write("[inbox]\nurl = imaps://escrow:s3cret@mail.example.org/\n"), false);
  ASSERT_FALSE(config.has_value());
  EXPECT_NE(config.error().message.find("inbox.password_file"),
            std::string::npos);
  EXPECT_EQ(config.error().message.find("s3cret"), std::string::npos);
}

TEST_F(ConfigTest, ExampleFileLoadsAndMatchesDefaults) {
  const std::string path = CT_TEST_SOURCE_DIR "/examples/cybertroc.conf";
  auto example = Load(path, false);
  ASSERT_TRUE(example.has_value()) << example.error().message;
  const Config defaults;
  EXPECT_EQ(example->store.database, defaults.store.database);
  EXPECT_EQ(example->inbox.url, defaults.inbox.url);
  EXPECT_EQ(example->inbox.poll_interval, defaults.inbox.poll_interval);
  EXPECT_EQ(example->inbox.max_message_size, defaults.inbox.max_message_size);
  EXPECT_EQ(example->outbox.url, defaults.outbox.url);
  EXPECT_EQ(example->outbox.from, defaults.outbox.from);
  EXPECT_EQ(example->outbox.give_up_hours, defaults.outbox.give_up_hours);
  EXPECT_EQ(example->gpg.home, defaults.gpg.home);
  EXPECT_EQ(example->gpg.max_signature_age_days,
            defaults.gpg.max_signature_age_days);
  EXPECT_EQ(example->rules.dir, defaults.rules.dir);
  EXPECT_EQ(example->templates.default_language,
            defaults.templates.default_language);
  EXPECT_EQ(example->policy.money.commission.basis_points,
            defaults.policy.money.commission.basis_points);
  EXPECT_EQ(example->policy.money.franchise.basis_points,
            defaults.policy.money.franchise.basis_points);
  EXPECT_EQ(example->policy.deadlines.days, defaults.policy.deadlines.days);
  EXPECT_EQ(example->policy.deadlines.reminder_days,
            defaults.policy.deadlines.reminder_days);
  EXPECT_EQ(example->log.level, defaults.log.level);
}

TEST(ResolvePathTest, Precedence) {
  const struct {
    const char* command_line;
    const char* environment;  // nullptr: unset
    const char* expected;
  } kCases[] = {
      {"/cli.conf", "/env.conf", "/cli.conf"},
      {"", "/env.conf", "/env.conf"},
      {"", "", kDefaultConfigPath},
      {"", nullptr, kDefaultConfigPath},
      {"/cli.conf", nullptr, "/cli.conf"},
  };
  for (const auto& c : kCases) {
    ScopedEnv env("CYBERTROC_CONFIG", c.environment);
    EXPECT_EQ(ResolvePath(c.command_line), c.expected)
        << c.command_line << " / "
        << (c.environment ? c.environment : "(unset)");
  }
}

}  // namespace
}  // namespace ct::config
