// moderators add EMAIL FPR [--fee P%] [--lang L] | list | remove EMAIL: the
// operator's list of moderators an offer may name (docs/operator.md).
#include "app/trust/moderators.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/common.h"
#include "core/address.h"
#include "core/limits.h"
#include "store/trust_repo.h"
#include "util/text.h"
#include "verify/identity.h"

namespace ct::cli {
namespace {

std::string Percent(int64_t bp) {
  return fmt::format("{}.{:02}%", bp / 100, bp % 100);
}

// "5%" or "2.5%": hundredths of a percent, at most 100 %. A bare number
// is refused: elsewhere ([money] commission) it is a fixed amount, which a
// moderator's fee cannot be.
Result<int64_t> ParseFee(const app::Context& ctx, const std::string& text) {
  if (text.empty()) return 0;
  auto rate = core::ParseRate(text, ctx.config.policy.money.currency);
  if (!rate || !rate->is_percent || rate->basis_points > 10000)
    return Fail(ErrorKind::kUsage,
                "moderators add: --fee wants a percentage from 0% to 100% "
                "such as 2.5% (a fixed amount is not possible), not '" +
                    core::Excerpt(text, 40) + "'");
  return rate->basis_points;
}

// The key must be in the home and carry the address: the moderator's mail
// is then verified and bound like a party's.
Result<void> Add(app::Context& ctx, const po::variables_map& vm,
                 const std::string& email, const std::string& fpr_text) {
  auto fee = ParseFee(ctx, Optional(vm, "fee"));
  CT_TRY(fee);
  std::string lang = util::AsciiLower(Optional(vm, "lang"));
  if (lang.empty()) lang = ctx.config.templates.default_language;
  if (lang.size() < 2 || lang.size() > 3 ||
      !std::all_of(lang.begin(), lang.end(),
                   [](char c) { return c >= 'a' && c <= 'z'; }))
    return Fail(ErrorKind::kUsage,
                "moderators add: --lang wants a language "
                "code such as fr or en");
  if (!Optional(vm, "lang").empty() && !app::HasTemplates(ctx, lang))
    return Fail(ErrorKind::kUsage,
                fmt::format("moderators add: no templates in '{}' under {}",
                            lang, ctx.templates_dir));
  auto m = app::AddModerator(ctx, {email, fpr_text, *fee, lang});
  CT_TRY(m);
  std::cout << fmt::format("moderator {} ({}), fee {}, mail in {}\n", email,
                           m->fingerprint, Percent(m->fee_bp), lang);
  return {};
}

Result<void> List(const Globals& globals, app::Context& ctx) {
  auto all = store::ModeratorRepo(ctx.db).All();
  CT_TRY(all);
  PrintRows(
      globals.json, *all,
      [](const store::ModeratorRecord& m) {
        return util::Json::Object()
            .Set("email", m.email)
            .Set("fingerprint", m.fingerprint)
            .Set("fee", Percent(m.fee_bp))
            .Set("lang", m.lang)
            .Set("added", core::FormatIsoTime(m.added));
      },
      [](const store::ModeratorRecord& m) {
        return Fit(fmt::format("{:<30} {} {:>7} {}", m.email, m.fingerprint,
                               Percent(m.fee_bp), m.lang));
      },
      "no moderator yet");
  return {};
}

Result<void> Remove(app::Context& ctx, const std::string& email) {
  auto removed = app::RemoveModerator(ctx, email);
  CT_TRY(removed);
  if (!*removed)
    return Fail(ErrorKind::kUsage,
                "moderators remove: " + email + " is not a moderator");
  // Deals that already name it keep it: it stays bound and may act there.
  std::cout << "removed " << email << " (deals naming it keep it)\n";
  return {};
}

}  // namespace

Result<void> RunModerators(const Globals& globals, const Args& args) {
  Syntax syntax(
      "moderators add EMAIL FPR [--fee P%] [--lang L] | moderators list | "
      "moderators remove EMAIL");
  syntax.options.add_options()(
      "fee", po::value<std::string>()->value_name("P%"),
      "its fee: a percentage of the price or value (default 0%)")(
      "lang", po::value<std::string>()->value_name("L"),
      "the language of its mail (default templates.default_language)");
  AddActionArguments(syntax);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};
  auto action =
      TakeAction(vm, syntax, {{"add", 2}, {"remove", 1}, {"list", 0}});
  CT_TRY(action);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  const std::vector<std::string>& rest = action->args;
  if (action->name == "add") {
    // A moderator judges disputes between parties: never the escrow or the
    // operator (offers naming them are refused by the same rule).
    auto email = core::OutsideAddress(
        rest[0], {"moderators add", "a moderator", /*for_operator=*/true},
        verify::OwnAddressesOf(*ctx));
    CT_TRY(email);
    return Add(*ctx, vm, *email, rest[1]);
  }
  if (action->name == "remove") {
    // Any spelling finds the entry; one written before addresses were
    // canonical is found as it was typed.
    auto email = core::NormalizeAddress(rest[0]);
    return Remove(*ctx, email ? *email : util::AsciiLower(rest[0]));
  }
  return List(globals, *ctx);
}

}  // namespace ct::cli
