// accounts [list] / accounts cancel EMAIL: where parties are paid
// (app/accounts.h).
#include "app/accounts.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/common.h"
#include "money/iban.h"

namespace ct::cli {
namespace {

std::string Grouped(const std::string& iban) {
  auto parsed = money::ParseIban(iban);
  return parsed ? parsed->Grouped() : iban;
}

util::Json AccountJson(const store::PayoutAccountRecord& a) {
  return util::Json::Object()
      .Set("email", a.email)
      .Set("status", a.status)
      .Set("iban", a.iban)
      .Set("bic", a.bic)
      .Set("name", a.name)
      .Set("fingerprint", a.fingerprint)
      .Set("requested", core::FormatIsoTime(a.requested))
      .Set("effective", core::FormatIsoTime(a.effective));
}

Result<void> List(const Globals& globals, app::Context& ctx) {
  auto accounts = app::ListAccounts(ctx);
  CT_TRY(accounts);
  PrintRows(
      globals.json, *accounts, AccountJson,
      [](const store::PayoutAccountRecord& a) {
        std::string text = Fit(
            fmt::format("{:<30} {:<7} {}{}{}", a.email, a.status,
                        Grouped(a.iban), a.bic.empty() ? "" : " BIC " + a.bic,
                        a.name.empty() ? "" : ", " + a.name),
            120);
        if (a.status == "pending")
          text += "\n      applies " + core::FormatHumanTime(a.effective) +
                  " (cybertroc accounts cancel " + a.email + ")";
        return text;
      },
      "no payout account registered yet");
  return {};
}

}  // namespace

Result<void> RunAccounts(const Globals& globals, const Args& args) {
  Syntax syntax("accounts [list] | accounts cancel EMAIL");
  syntax.hidden.add_options()("action", po::value<std::string>())(
      "arg", po::value<std::vector<std::string>>());
  syntax.positional.add("action", 1).add("arg", -1);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};
  const std::string action =
      vm.count("action") ? Optional(vm, "action") : "list";
  std::vector<std::string> rest;
  if (vm.count("arg")) rest = vm["arg"].as<std::vector<std::string>>();
  if (!((action == "list" && rest.empty()) ||
        (action == "cancel" && rest.size() == 1)))
    return Fail(ErrorKind::kUsage, "usage: cybertroc " + syntax.usage);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  if (action == "list") return List(globals, *ctx);
  auto cancelled = app::CancelAccountChange(*ctx, rest[0]);
  CT_TRY(cancelled);
  if (globals.json)
    PrintJson(AccountJson(*cancelled));
  else
    std::cout << "cancelled the change of " << cancelled->email << " to "
              << Grouped(cancelled->iban) << '\n';
  return {};
}

}  // namespace ct::cli
