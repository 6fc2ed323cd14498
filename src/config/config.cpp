// Reads the INI file of docs/operator.md ("Configuration") into Config.
// Boost.Program_options splits the file into "section.key" = value pairs; every
// value is then checked here by a small parser per key so that each error can
// name the file, the key, what was expected and what was found.
#include "config/config.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "config/ini.h"
#include "core/address.h"
#include "core/limits.h"
#include "core/money.h"
#include "util/read_file.h"
#include "util/text.h"

namespace ct::config {
namespace {

namespace fs = std::filesystem;
namespace po = boost::program_options;

// What a value parser needs besides the value: relative paths are taken
// from the directory of the config file, not from the daemon's cwd.
struct Context {
  fs::path base_dir;
};

// Applies one value to `config`. On failure the error message is the part
// after "FILE: section.key: ", e.g. "expected yes or no, got 'maybe'".
using Setter = std::function<Result<void>(
    std::string_view value, const Context& context, Config& config)>;

std::unexpected<Error> Expected(std::string_view what, std::string_view got) {
  return Fail(ErrorKind::kConfig, "expected " + std::string(what) + ", got '" +
                                      std::string(got) + "'");
}

// ---- value parsers --------------------------------------------------------

Result<long> ParseWhole(std::string_view text, long min, long max) {
  long value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min ||
      value > max) {
    return Expected("a whole number from " + std::to_string(min) + " to " +
                        std::to_string(max),
                    text);
  }
  return value;
}

Result<bool> ParseBool(std::string_view text) {
  const std::string word = util::AsciiLower(text);
  if (word == "true" || word == "yes" || word == "1") return true;
  if (word == "false" || word == "no" || word == "0") return false;
  return Expected("true, false, yes, no, 1 or 0", text);
}

// "7,1" → {7, 1}; blanks around numbers are allowed, an empty list means
// no reminders. Sorted far to near so that the order in the file does not
// matter.
Result<std::vector<int>> ParseDayList(std::string_view text) {
  std::vector<int> days;
  if (util::Trim(text).empty()) return days;
  for (size_t start = 0;;) {
    const size_t comma = text.find(',', start);
    auto day =
        ParseWhole(util::Trim(text.substr(start, comma - start)), 1, 36500);
    if (!day) return Expected("days before the deadline such as 7,1", text);
    days.push_back(static_cast<int>(*day));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::ranges::sort(days, std::greater<>());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

bool IsCurrencyCode(std::string_view text) {
  return text.size() == 3 &&
         std::ranges::all_of(text, [](char c) { return c >= 'A' && c <= 'Z'; });
}

Result<core::Rate> ParseRateValue(std::string_view text,
                                  std::string_view currency) {
  auto rate = core::ParseRate(text, currency);
  if (!rate) {
    return Fail(
        ErrorKind::kConfig,
        Expected("a percentage such as 2% or an amount such as 1.50", text)
                .error()
                .message +
            " (" + rate.error().message + ")");
  }
  return *rate;
}

// A fingerprint as gpg prints it: hex, maybe grouped by blanks, maybe 0x.
Result<std::string> ParseFingerprint(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c != ' ')
      hex.push_back(
          static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (hex.starts_with("0X")) hex.erase(0, 2);
  const bool all_hex = std::ranges::all_of(
      hex, [](unsigned char c) { return std::isxdigit(c) != 0; });
  if (!hex.empty() && (!all_hex || (hex.size() != 40 && hex.size() != 64))) {
    return Expected("a key fingerprint of 40 hex digits", text);
  }
  return hex;
}

// Only the scheme is checked here (the mail stage parses the rest); a
// password in the URL is refused without echoing it back.
Result<std::string> ParseUrl(std::string_view text,
                             const std::vector<std::string_view>& schemes,
                             std::string_view password_key) {
  const size_t sep = text.find("://");
  if (sep != std::string_view::npos) {
    std::string_view authority = text.substr(sep + 3);
    authority = authority.substr(0, authority.find('/'));
    const size_t at = authority.rfind('@');
    if (at != std::string_view::npos &&
        authority.substr(0, at).find(':') != std::string_view::npos) {
      return Fail(ErrorKind::kConfig,
                  "the URL must not carry a password; put it in " +
                      std::string(password_key));
    }
    const std::string scheme = util::AsciiLower(text.substr(0, sep));
    if (std::ranges::find(schemes, scheme) != schemes.end()) {
      return std::string(text);
    }
  }
  std::string what = "a URL starting with";
  for (std::string_view scheme : schemes) {
    what += (what.ends_with("with") ? " " : ", ") + std::string(scheme) + "://";
  }
  return Expected(what, text);
}

// A language code becomes a directory name under templates/: no dots or
// slashes, so that it can never leave that directory.
bool IsLanguage(std::string_view text) {
  return !text.empty() && text.size() <= 16 &&
         std::isalpha(static_cast<unsigned char>(text.front())) &&
         std::ranges::all_of(text, [](unsigned char c) {
           return std::isalnum(c) || c == '-' || c == '_';
         });
}

bool IsLogLevel(std::string_view text) {
  static constexpr std::string_view kLevels[] = {"trace", "debug",    "info",
                                                 "warn",  "warning",  "error",
                                                 "err",   "critical", "off"};
  return std::ranges::find(kLevels, text) != std::end(kLevels);
}

Result<std::string> ParsePayer(std::string_view text) {
  const std::string payer = util::AsciiLower(text);
  if (payer != "seller" && payer != "buyer" && payer != "split") {
    return Expected("seller, buyer or split", text);
  }
  return payer;
}

// moderation.fee_from: where a moderator's fee comes from (docs/money.md).
Result<std::string> ParseFeeFrom(std::string_view text) {
  const std::string from = util::AsciiLower(text);
  if (from != "commission" && from != "held") {
    return Expected("commission or held", text);
  }
  return from;
}

Result<std::string> ParseLogLevel(std::string_view text) {
  const std::string level = util::AsciiLower(text);
  if (!IsLogLevel(level)) {
    return Expected("trace, debug, info, warn, error, critical or off", text);
  }
  return level;
}

// outbox.from: one mailbox whose display name is short, plain text; it is
// the From of every mail we send (mail/headers.h encodes the name).
Result<std::string> ParseFrom(std::string_view text) {
  const std::string_view what =
      "one address such as CyberTroc <escrow@example.org>";
  auto mailbox = core::ParseMailbox(text);
  if (!mailbox) {
    return Fail(ErrorKind::kConfig, Expected(what, text).error().message +
                                        " (" + mailbox.error().message + ")");
  }
  auto name = core::CheckFreeText("display name", mailbox->display_name,
                                  core::kMaxDisplayNameChars);
  if (!name) {
    return Fail(ErrorKind::kConfig, Expected(what, text).error().message +
                                        " (" + name.error().message + ")");
  }
  return std::string(text);
}

// outbox.operator: one bare address, kept in its canonical form
// (core::NormalizeAddress) so that it equals the From of the operator's mail
// and every other spelling of it, which offers may not name.
Result<std::string> ParseOperatorAddress(std::string_view text) {
  auto address = core::NormalizeAddress(text);
  if (!address) {
    return Fail(ErrorKind::kConfig,
                Expected("an e-mail address such as operator@example.org", text)
                        .error()
                        .message +
                    " (" + address.error().message + ")");
  }
  return address;
}

// ---- setters ----------------------------------------------------------------
// `field` is a lambda returning a reference into Config; `parse` turns the
// text into a Result of what goes there.

template <typename Field, typename Parse>
Setter Parsed(Field field, Parse parse) {
  return [field, parse](std::string_view value, const Context&,
                        Config& config) -> Result<void> {
    auto parsed = parse(value);
    CT_TRY(parsed);
    using Target = std::remove_reference_t<decltype(field(config))>;
    field(config) = static_cast<Target>(*parsed);
    return {};
  };
}

template <typename Field>
Setter Text(Field field) {
  return Parsed(field, [](std::string_view v) -> Result<std::string> {
    return std::string(v);
  });
}

// A check on the raw text, then a plain copy.
template <typename Field, typename Check>
Setter Checked(Field field, Check check, std::string_view what) {
  return Parsed(field,
                [check, what](std::string_view v) -> Result<std::string> {
                  if (!check(v)) return Expected(what, v);
                  return std::string(v);
                });
}

template <typename Field>
Setter Whole(Field field, long min, long max) {
  return Parsed(field, [min, max](std::string_view v) {
    return ParseWhole(v, min, max);
  });
}

template <typename Field>
Setter Url(Field field, std::vector<std::string_view> schemes,
           std::string_view password_key) {
  return Parsed(field, [schemes, password_key](std::string_view v) {
    return ParseUrl(v, schemes, password_key);
  });
}

// A path; relative ones are resolved against the config file's directory.
template <typename Field>
Setter Path(Field field, bool may_be_empty) {
  return [field, may_be_empty](std::string_view value, const Context& context,
                               Config& config) -> Result<void> {
    if (value.empty() && !may_be_empty) {
      return Expected("a file or directory path", value);
    }
    field(config) =
        value.empty()
            ? std::string()
            : (context.base_dir / fs::path(value)).lexically_normal().string();
    return {};
  };
}

// A fixed rate is checked against money.currency, applied before it.
template <typename Field>
Setter Rate(Field field) {
  return [field](std::string_view value, const Context&,
                 Config& config) -> Result<void> {
    auto rate = ParseRateValue(value, config.policy.money.currency);
    CT_TRY(rate);
    field(config) = *rate;
    return {};
  };
}

// ---- the key table ---------------------------------------------------------

#define CT_FIELD(member) \
  [](Config & c) -> auto& { return c.member; }

std::map<std::string, Setter> BuildKeys() {
  std::map<std::string, Setter> keys = {
      {"store.database", Path(CT_FIELD(store.database), false)},

      {"inbox.url",
       Url(CT_FIELD(inbox.url), {"imap", "imaps", "pop3", "pop3s", "maildir"},
           "inbox.password_file")},
      {"inbox.password_file", Path(CT_FIELD(inbox.password_file), true)},
      {"inbox.tls_ca_file", Path(CT_FIELD(inbox.tls_ca_file), true)},
      {"inbox.processed_folder", Text(CT_FIELD(inbox.processed_folder))},
      {"inbox.poll_interval", Whole(CT_FIELD(inbox.poll_interval), 1, 86400)},
      {"inbox.max_message_size",
       Whole(CT_FIELD(inbox.max_message_size), 1024, 1L << 30)},
      {"inbox.workers", Whole(CT_FIELD(inbox.workers), 1, kMaxWorkers)},

      {"outbox.url",
       Url(CT_FIELD(outbox.url), {"smtp", "smtps", "sendmail", "dir"},
           "outbox.password_file")},
      {"outbox.password_file", Path(CT_FIELD(outbox.password_file), true)},
      {"outbox.from", Parsed(CT_FIELD(outbox.from), ParseFrom)},
      {"outbox.operator",
       Parsed(CT_FIELD(outbox.operator_address), ParseOperatorAddress)},
      {"outbox.give_up_hours", Whole(CT_FIELD(outbox.give_up_hours), 1, 8760)},
      {"outbox.max_replies_per_day",
       Whole(CT_FIELD(outbox.max_replies_per_day), 0, 100000)},

      {"gpg.home", Path(CT_FIELD(gpg.home), false)},
      {"gpg.escrow_key", Parsed(CT_FIELD(gpg.escrow_key), ParseFingerprint)},
      {"gpg.operator_key",
       Parsed(CT_FIELD(gpg.operator_key), ParseFingerprint)},
      {"gpg.encrypt_replies", Parsed(CT_FIELD(gpg.encrypt_replies), ParseBool)},
      {"gpg.max_signature_age_days",
       Whole(CT_FIELD(gpg.max_signature_age_days), 1, 3650)},

      {"rules.dir", Path(CT_FIELD(rules.dir), false)},
      {"templates.dir", Path(CT_FIELD(templates.dir), false)},
      {"templates.default_language",
       Checked(CT_FIELD(templates.default_language), IsLanguage,
               "a language code such as fr or en")},

      {"money.currency",
       Checked(CT_FIELD(policy.money.currency), IsCurrencyCode,
               "a three-letter currency code such as EUR")},
      {"money.commission", Rate(CT_FIELD(policy.money.commission))},
      {"money.commission_payer",
       Parsed(CT_FIELD(policy.money.commission_payer), ParsePayer)},
      {"money.franchise", Rate(CT_FIELD(policy.money.franchise))},
      {"money.bond_includes_shipping",
       Parsed(CT_FIELD(policy.money.bond_includes_shipping), ParseBool)},
      {"money.referral_share", Rate(CT_FIELD(policy.trust.referral_share))},
      {"moderation.fee_from",
       Parsed(CT_FIELD(policy.trust.moderator_fee_from), ParseFeeFrom)},

      {"deadlines.reminder_days",
       Parsed(CT_FIELD(policy.deadlines.reminder_days), ParseDayList)},

      {"listings.max_open_per_party",
       Whole(CT_FIELD(listings.max_open_per_party), 0, 100000)},
      {"catalogue.show_lister",
       Parsed(CT_FIELD(catalogue.show_lister), ParseBool)},

      {"log.level", Parsed(CT_FIELD(log.level), ParseLogLevel)},
      {"log.file", Path(CT_FIELD(log.file), true)},
  };
  // Every deadline the policy knows can be overridden, so a new deadline
  // key in core/policy.h needs no change here.
  for (const auto& [name, days] : core::DeadlinePolicy{}.days) {
    auto field = [key = name](Config& c) -> int& {
      return c.policy.deadlines.days[key];
    };
    keys.emplace("deadlines." + name, Whole(field, 1, 36500));
  }
  for (const auto& [name, set] : BankKeys())  // config/bank_config.cpp
    keys.emplace(name, [set](std::string_view v, const Context&, Config& c) {
      return set(v, c.bank);
    });
  return keys;
}

#undef CT_FIELD

const std::map<std::string, Setter>& Keys() {
  static const auto* const keys =
      new std::map<std::string, Setter>(BuildKeys());
  return *keys;
}

// ---- reading the file -------------------------------------------------------

// The file's text; nullopt when it does not exist.
Result<std::optional<std::string>> ReadFile(const std::string& path) {
  auto text =
      util::ReadFileLimited(path, core::kMaxConfigFileBytes, "config file");
  if (text) return std::optional<std::string>(std::move(*text));
  if (text.error().kind == ErrorKind::kNotFound) return std::nullopt;
  return Fail(ErrorKind::kConfig, text.error().message);
}

std::string UnknownKeyMessage(const std::string& key) {
  std::string message = key + ": unknown key";
  // A known key in the wrong section is the usual mistake: say where it goes.
  const std::string leaf = key.substr(key.rfind('.') + 1);
  for (const auto& [name, setter] : Keys()) {
    if (name.substr(name.find('.') + 1) == leaf) {
      return message + " (did you mean " + name + "?)";
    }
  }
  return message;
}

// The currency is applied first because fixed rates are checked against it,
// wherever it appears in the file.
void CurrencyFirst(std::vector<po::option>& options) {
  std::ranges::stable_partition(options, [](const po::option& o) {
    return o.string_key == "money.currency";
  });
}

Result<void> Apply(const std::string& path, std::vector<po::option> options,
                   Config& config) {
  CurrencyFirst(options);
  const Context context{fs::absolute(path).parent_path()};
  std::set<std::string> seen;
  std::string errors;
  auto report = [&](const std::string& key, const std::string& what) {
    errors += (errors.empty() ? "" : "\n") + path + ": " + key + ": " + what;
  };
  for (const po::option& option : options) {
    const std::string& key = option.string_key;
    const std::string value = option.value.empty() ? "" : option.value.front();
    if (option.unregistered) {
      errors +=
          (errors.empty() ? "" : "\n") + path + ": " + UnknownKeyMessage(key);
    } else if (!seen.insert(key).second) {
      report(key, "given more than once");
    } else if (auto set = Keys().at(key)(value, context, config); !set) {
      report(key, set.error().message);
    }
  }
  if (!errors.empty()) return Fail(ErrorKind::kConfig, errors);
  return {};
}

}  // namespace

int DefaultWorkers() {
  // hardware_concurrency may answer 0 ("unknown"): then one worker.
  const unsigned cores = std::thread::hardware_concurrency();
  return static_cast<int>(std::clamp(cores, 1u, unsigned{kMaxWorkers}));
}

Result<Config> Load(const std::string& path, bool missing_ok) {
  auto text = ReadFile(path);
  CT_TRY(text);
  Config config;
  if (!text->has_value()) {
    if (missing_ok) return config;
    return Fail(ErrorKind::kConfig, path + ": no such file");
  }
  std::vector<std::string> known;
  for (const auto& [name, setter] : Keys()) known.push_back(name);
  auto options = SplitIni(path, **text, known);
  CT_TRY(options);
  CT_TRY(Apply(path, std::move(*options), config));
  if (auto bank = CheckBank(config.bank); !bank)
    return Fail(ErrorKind::kConfig, path + ": " + bank.error().message);
  config.path = path;
  return config;
}

std::string ResolvePath(const std::string& from_command_line) {
  if (!from_command_line.empty()) return from_command_line;
  const char* from_environment = std::getenv("CYBERTROC_CONFIG");
  if (from_environment != nullptr && *from_environment != '\0') {
    return from_environment;
  }
  return kDefaultConfigPath;
}

}  // namespace ct::config
