// check: validates config, rules, templates, keys and database, and
// reaches the mail servers; one line per check ("NAME: ok (...)" or "NAME:
// FAILED: reason"). Exit 2 when the configuration is wrong (config, rules,
// templates, or any check failing on a configuration mistake: a missing
// database, a key not in gpg.home), 1 when only the world failed (a server
// unreachable).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "app/base/context.h"
#include "app/base/gpg_pool.h"
#include "app/base/secret.h"
#include "app/run/run.h"
#include "cli/common.h"
#include "config/bank_config.h"
#include "crypto/import.h"
#include "crypto/keyring.h"
#include "crypto/runner.h"
#include "mail/open_source.h"
#include "mail/open_transport.h"
#include "money/iban.h"
#include "notify/render.h"

namespace ct::cli {
namespace {

struct CheckLine {
  std::string name;
  bool config_kind;            // any failure means exit 2 (else: by kind)
  Result<std::string> result;  // detail when ok
};

Result<std::string> CheckRules(const config::Config& config,
                               rules::RuleBook& book) {
  auto found = app::DataDir(config.rules.dir, "rules");
  CT_TRY(found);
  const std::string& dir = *found;
  auto loaded = rules::LoadDir(dir);
  CT_TRY(loaded);
  book = std::move(*loaded);
  std::vector<std::string> names;
  for (const auto& [name, rules] : book.cases) names.push_back(name);
  return fmt::format("{} ({})", dir, fmt::join(names, ", "));
}

Result<std::string> CheckTemplatesOf(const config::Config& config,
                                     const rules::RuleBook& book) {
  auto found = app::DataDir(config.templates.dir, "templates");
  CT_TRY(found);
  const std::string& dir = *found;
  std::vector<std::string> langs = {"en", "fr"};
  const std::string& fallback = config.templates.default_language;
  if (std::find(langs.begin(), langs.end(), fallback) == langs.end()) {
    langs.push_back(fallback);
  }
  auto names = book.TemplateNames();
  for (auto& name : notify::ListingTemplateNames()) names.push_back(name);
  CT_TRY(notify::CheckTemplates(dir, langs, names));
  return fmt::format("{} ({} templates in {})", dir, names.size() + 1,
                     fmt::join(langs, ", "));
}

Result<std::string> CheckDatabase(const config::Config& config) {
  auto db = app::OpenDatabase(config.store.database,
                              app::DatabaseUse::kMustExist, config.path);
  CT_TRY(db);
  auto version = db->UserVersion();
  CT_TRY(version);
  return fmt::format("{} (schema version {})", config.store.database, *version);
}

Result<std::string> CheckEscrowKey(const config::Config& config) {
  CT_TRY(crypto::CheckSigningKey(config.gpg.home, config.gpg.escrow_key));
  return config.gpg.escrow_key + " in " + config.gpg.home;
}

// The operator key must be in the home too: without it no 21 by mail.
Result<std::string> CheckOperatorKey(const config::Config& config) {
  if (config.gpg.operator_key.empty())
    return std::string("not set: deposits only from the command line");
  // GnuPG would make a missing home (and a keyring in it): check only looks.
  std::error_code ec;
  if (!std::filesystem::is_directory(config.gpg.home, ec))
    return Fail(ErrorKind::kConfig,
                "gpg.home: '" + config.gpg.home + "' is not a directory");
  auto gpg = crypto::GpgContext::Open(config.gpg.home);
  CT_TRY(gpg);
  auto key = crypto::LookupKey(*gpg, config.gpg.operator_key);
  CT_TRY(key);
  if (!*key || !(*key)->usable)
    return Fail(ErrorKind::kConfig,
                "gpg.operator_key " + config.gpg.operator_key +
                    " is missing, expired or revoked in " + config.gpg.home);
  return config.gpg.operator_key;
}

// [money] pay_to_*: checked when the config was read (IBAN mod-97 and
// length, BIC format); says what deposit requests will show. In euro, the
// name must also survive the SEPA file's character set, as `payouts
// --sepa` will write it (shown when it differs).
Result<std::string> CheckMoney(const config::Config& config) {
  const config::BankConfig& bank = config.bank;
  if (bank.pay_to_iban.empty())
    return std::string(
        "money.pay_to_iban not set: deposit requests name no account and "
        "carry no QR code, payouts --sepa cannot run");
  auto iban = money::ParseIban(bank.pay_to_iban);
  if (!iban) return Fail(ErrorKind::kConfig, iban.error().message);
  const bool euro = config.policy.money.currency == "EUR";
  std::string name = bank.pay_to_name;
  if (euro) {
    auto in_file = config::SepaPayToName(bank);
    CT_TRY(in_file);
    if (*in_file != name) name += " (in SEPA files: " + *in_file + ")";
  }
  return fmt::format("pay to {}, {}{}{}", iban->Grouped(), name,
                     bank.pay_to_bic.empty() ? "" : ", BIC " + bank.pay_to_bic,
                     euro ? "" : "; not in EUR: no QR code, no SEPA file");
}

// Reaching the mail servers: log in to the inbox, open the transport.
Result<std::string> CheckInbox(const config::Config& config) {
  auto password = app::ReadSecret(config.inbox.password_file);
  CT_TRY(password);
  auto source = mail::OpenSource(config.inbox, *password);
  CT_TRY(source);
  auto waiting = (*source)->List();
  CT_TRY(waiting);
  (void)(*source)->Close();
  return fmt::format("{} messages waiting", waiting->size());
}

Result<std::string> CheckOutbox(const config::Config& config) {
  auto password = app::ReadSecret(config.outbox.password_file);
  CT_TRY(password);
  auto transport =
      mail::OpenTransport(config.outbox, *password, config.inbox.tls_ca_file);
  CT_TRY(transport);
  (void)(*transport)->Close();
  return std::string("reachable");
}

// Never a failure: says how many GnuPG workers a run will use, and what to
// add to gpg.conf when it is fewer than configured.
Result<std::string> CheckWorkers(const config::Config& config) {
  const int wanted = config.inbox.workers;
  if (wanted <= 1) return std::string("1");
  if (app::GpgConfAllowsParallel(config)) return std::to_string(wanted);
  return fmt::format(
      "1 of {}: add the line `no-random-seed-file` to {}/gpg.conf, or gpg "
      "processes side by side wait for each other's random_seed lock",
      wanted, config.gpg.home);
}

// Starts the GnuPG runner and has it answer (it checks GnuPG's version as
// it starts; no gpg runs on the home): a runner that is missing or finds
// no usable GnuPG is an I/O failure; no runner at all only costs speed.
Result<std::string> CheckRunner(const config::Config& config) {
  const std::string& path = crypto::DefaultRunnerPath();
  if (path.empty())
    return std::string(
        "none found: GnuPG starts from cybertroc itself (slower)");
  crypto::GpgRunner runner(path, config.gpg.home);
  crypto::RawRequest probe;
  probe.op = crypto::RawOp::kPing;
  auto answer = runner.Call(probe);
  CT_TRY(answer);
  return path;
}

std::vector<CheckLine> RunChecks(const Globals& globals) {
  std::vector<CheckLine> lines;
  auto config = app::LoadConfig(globals.config_path);
  lines.push_back(
      {"config", true,
       config ? Result<std::string>(config->path.empty() ? "(defaults)"
                                                         : config->path)
              : std::unexpected(config.error())});
  // Rules and templates are read-only: check them even with defaults.
  const config::Config effective = config ? *config : config::Config();
  rules::RuleBook book;
  lines.push_back({"rules", true, CheckRules(effective, book)});
  lines.push_back({"templates", true, CheckTemplatesOf(effective, book)});
  if (!config) return lines;  // no database or keys of an unknown config
  lines.push_back({"money", true, CheckMoney(*config)});
  lines.push_back({"database", false, CheckDatabase(*config)});
  lines.push_back({"escrow key", false, CheckEscrowKey(*config)});
  lines.push_back({"operator key", false, CheckOperatorKey(*config)});
  lines.push_back({"workers", false, CheckWorkers(*config)});
  lines.push_back({"gnupg runner", false, CheckRunner(*config)});
  lines.push_back({"inbox", false, CheckInbox(*config)});
  lines.push_back({"outbox", false, CheckOutbox(*config)});
  return lines;
}

}  // namespace

Result<void> RunCheck(const Globals& globals, const Args& args) {
  Syntax syntax("check");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  const std::vector<CheckLine> lines = RunChecks(globals);
  bool config_failed = false;
  bool runtime_failed = false;
  util::Json json = util::Json::Array();
  for (const auto& line : lines) {
    const bool ok = line.result.has_value();
    const std::string detail = ok ? *line.result : line.result.error().message;
    // A mistake in the configuration is exit 2 wherever it shows (a missing
    // database, a key not in the keyring); what the world did is exit 1.
    const bool config_error =
        line.config_kind ||
        (!ok && (line.result.error().kind == ErrorKind::kConfig ||
                 line.result.error().kind == ErrorKind::kUsage));
    (config_error ? config_failed : runtime_failed) |= !ok;
    json.Push(util::Json::Object()
                  .Set("check", line.name)
                  .Set("ok", ok)
                  .Set("detail", detail));
    if (!globals.json) {
      std::cout << line.name << ": " << (ok ? "ok " : "FAILED: ")
                << (ok ? "(" + detail + ")" : detail) << '\n';
    }
  }
  if (globals.json) PrintJson(json);
  if (config_failed)
    return Fail(ErrorKind::kConfig, "check: configuration errors");
  if (runtime_failed) return Fail(ErrorKind::kIo, "check: runtime errors");
  return {};
}

}  // namespace ct::cli
