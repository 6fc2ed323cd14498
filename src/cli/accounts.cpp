// accounts [list] / accounts cancel EMAIL: where parties are paid
// (app/accounts/accounts.h).
#include "app/accounts/accounts.h"

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
  AddActionArguments(syntax);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};
  auto action = TakeAction(vm, syntax, {{"list", 0}, {"cancel", 1}},
                           /*fallback=*/"list");
  CT_TRY(action);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  if (action->name == "list") return List(globals, *ctx);
  auto cancelled = app::CancelAccountChange(*ctx, action->args[0]);
  CT_TRY(cancelled);
  if (globals.json)
    PrintJson(AccountJson(*cancelled));
  else
    std::cout << "cancelled the change of " << cancelled->email << " to "
              << Grouped(cancelled->iban) << '\n';
  return {};
}

}  // namespace ct::cli
