// Operator commands: open, deposit, resolve.
#include "app/deals/deals.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "app/base/ids.h"
#include "app/base/logging.h"
#include "app/base/origin.h"
#include "app/deals/commit.h"
#include "app/deals/notifications.h"
#include "app/outbound/mail_queue.h"
#include "app/trust/trust.h"
#include "core/limits.h"
#include "mail/mime.h"
#include "store/repos.h"
#include "util/text.h"
#include "verify/identity.h"

namespace ct::app {
namespace {

// Every address an offer names through the one rule (core::OutsideAddress):
// the parties, its referrer and its moderator, each replaced by its
// canonical form, none the escrow's or the operator's. The operator's
// message (`cli`) names the option and the configuration key.
Result<void> CheckAddresses(const Context& ctx, core::Offer& offer, bool cli) {
  const core::OwnAddresses own = verify::OwnAddressesOf(ctx);
  auto check = [&](std::string& email, const std::string& field,
                   std::string_view role) -> Result<void> {
    const std::string name = (cli ? "--" : "") + field;
    auto address = core::OutsideAddress(email, {name, role, cli}, own);
    CT_TRY(address);
    email = std::move(*address);
    return {};
  };
  for (auto& [role, email] : offer.emails)
    CT_TRY(check(email, role, "a party of a deal"));
  if (!offer.referrer.empty())
    CT_TRY(check(offer.referrer, "referrer", "a referrer"));
  if (!offer.moderator.empty())
    CT_TRY(check(offer.moderator, "moderator", "a moderator"));
  return {};
}

bool IsLanguage(const std::string& lang) {
  return lang.size() >= 2 && lang.size() <= 3 &&
         std::all_of(lang.begin(), lang.end(),
                     [](char c) { return c >= 'a' && c <= 'z'; });
}

Result<core::Offer> MakeOffer(const Context& ctx, const OpenRequest& request,
                              std::string id) {
  core::Offer offer;
  offer.id = std::move(id);
  offer.emails = request.emails;
  offer.moderator = request.moderator;
  offer.referrer = request.referrer;
  CT_TRY(CheckAddresses(ctx, offer, /*cli=*/true));
  offer.terms = request.terms;
  offer.texts = request.texts;
  offer.delivery = request.delivery;
  offer.lang = request.lang.empty() ? ctx.config.templates.default_language
                                    : util::AsciiLower(request.lang);
  if (!IsLanguage(offer.lang)) {
    return Fail(
        ErrorKind::kInvalidInput,
        "--lang: '" + core::Excerpt(request.lang) + "' is not a language code");
  }
  if (!request.lang.empty() && !HasTemplates(ctx, offer.lang))
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("--lang: no templates in '{}' under {}", offer.lang,
                            ctx.templates_dir));
  return offer;
}

// The role that accepts an offer: whoever may send 11 in the first state.
std::string Counterparty(const core::CaseRules& rules, const core::Deal& deal) {
  for (const auto& role : rules.roles) {
    if (role != rules.initiator &&
        core::FindTransition(rules, deal, core::code::kAccept, role)) {
      return role;
    }
  }
  return "";
}

Result<void> InsertOffer(Context& ctx, const core::Deal& deal,
                         const core::CaseRules& rules, const Origin& origin,
                         const std::string& detail) {
  CT_TRY(store::DealRepo(ctx.db).Insert(deal));
  store::EventRecord event;
  event.deal_id = deal.id;
  event.at = ctx.now;
  event.code = core::code::kOffer;
  event.actor = rules.initiator;
  event.actor_email = deal.Party(rules.initiator)->email;
  event.to_state = deal.state;
  event.detail = detail;
  event.message_ref = origin.message_ref;
  auto id = store::HistoryRepo(ctx.db).AppendEvent(event);
  CT_TRY(id);
  return {};
}

std::string AllowedText(const std::vector<int>& codes) {
  std::string out;
  for (int c : codes) out += (out.empty() ? "" : ", ") + CodeName(c);
  return out.empty() ? "nothing" : out;
}

}  // namespace

Result<std::string> OpenDeal(Context& ctx, const OpenRequest& request) {
  auto rules = ctx.rules.Find(request.case_name);
  if (!rules) return Fail(ErrorKind::kUsage, rules.error().message);
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto id = NewDealId(ctx.db);
  CT_TRY(id);
  auto offer = MakeOffer(ctx, request, *id);
  CT_TRY(offer);
  CT_TRY(FillTrustTerms(ctx, *offer));  // the moderator's fee, as by mail
  auto deal = core::NewDeal(**rules, ctx.config.policy, *offer, ctx.now);
  CT_TRY(deal);
  CT_TRY(InsertOffer(ctx, *deal, **rules, Origin{"", kCliRef},
                     "opened by the operator"));
  core::Command accept;
  accept.code = core::code::kAccept;
  accept.actor = Counterparty(**rules, *deal);
  auto step = core::Step(**rules, ctx.config.policy, *deal, accept, ctx.now);
  if (auto* refusal = std::get_if<core::Refusal>(&step)) {
    return Fail(ErrorKind::kInternal, "open: 11 refused: " + refusal->reason);
  }
  const auto& outcome = std::get<core::Outcome>(step);
  const core::PartyState* acceptor = deal->Party(accept.actor);
  Origin origin{acceptor ? acceptor->email : "", kCliRef};
  CT_TRY(WriteStep(ctx, *deal, outcome, accept, origin));
  CT_TRY(tx->Commit());
  return *id;
}

Result<std::string> WriteOffer(Context& ctx, const core::CaseRules& rules,
                               core::Offer offer, const Origin& origin) {
  CT_TRY(CheckAddresses(ctx, offer, /*cli=*/false));
  CT_TRY(FillTrustTerms(ctx, offer));
  if (offer.lang.empty()) offer.lang = ctx.config.templates.default_language;
  if (!IsLanguage(offer.lang))
    return Fail(
        ErrorKind::kInvalidInput,
        "lang: '" + core::Excerpt(offer.lang) + "' is not a language code");
  auto id = NewDealId(ctx.db);
  CT_TRY(id);
  offer.id = *id;
  auto deal = core::NewDeal(rules, ctx.config.policy, offer, ctx.now);
  CT_TRY(deal);
  CT_TRY(InsertOffer(ctx, *deal, rules, origin, "offer by mail"));
  // The offer is not an engine step (the deal did not exist): tell both
  // parties through the same outbox path.
  core::Outcome outcome{*deal, {}};
  outcome.effects.from_state = outcome.effects.to_state = deal->state;
  for (const auto& party : deal->parties)
    outcome.effects.notifications.push_back(
        {party.role, {"offer"}, party.role == rules.initiator});
  core::Command cmd;
  cmd.code = core::code::kOffer;
  cmd.actor = rules.initiator;
  CT_TRY(EnqueueNotifications(ctx, rules, outcome, cmd, origin));
  return *id;
}

Result<core::Deal> ApplyOperatorCommand(Context& ctx, const std::string& id,
                                        const core::Command& cmd) {
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  auto deal = store::DealRepo(ctx.db).Load(id);
  CT_TRY(deal);
  auto rules = ctx.rules.Find(deal->case_name);
  if (!rules) return Fail(ErrorKind::kConfig, rules.error().message);
  const Origin origin{ctx.config.outbox.operator_address, kCliRef};
  auto step = core::Step(**rules, ctx.config.policy, *deal, cmd, ctx.now);
  if (auto* refusal = std::get_if<core::Refusal>(&step)) {
    CT_TRY(WriteRefusal(ctx, *deal, cmd, *refusal, origin));
    CT_TRY(tx->Commit());
    return Fail(ErrorKind::kRefused,
                fmt::format("{}: {} refused: {} (the operator may send now: "
                            "{})",
                            id, CodeName(cmd.code), refusal->reason,
                            AllowedText(refusal->allowed)));
  }
  const auto& outcome = std::get<core::Outcome>(step);
  CT_TRY(WriteStep(ctx, *deal, outcome, cmd, origin));
  CT_TRY(tx->Commit());
  return outcome.deal;
}

Result<core::Deal> Deposit(Context& ctx, const std::string& id,
                           const std::string& role, core::Money amount,
                           const std::string& reference) {
  core::Command cmd;
  cmd.code = core::code::kDeposit;
  cmd.actor = core::kOperatorRole;
  cmd.deposit_role = util::AsciiLower(role);
  cmd.amount = amount;
  cmd.reference = reference;
  auto deal = store::DealRepo(ctx.db).Load(id);
  CT_TRY(deal);
  auto rules = ctx.rules.Find(deal->case_name);
  if (rules && !(*rules)->HasRole(cmd.deposit_role)) {
    return Fail(ErrorKind::kUsage,
                fmt::format("'{}' is not a role of this {} (roles: {})", role,
                            deal->case_name, fmt::join((*rules)->roles, ", ")));
  }
  return ApplyOperatorCommand(ctx, id, cmd);
}

Result<core::Deal> Resolve(Context& ctx, const std::string& id,
                           const std::map<std::string, core::Money>& split) {
  core::Command cmd;
  cmd.code = core::code::kResolve;
  cmd.actor = core::kOperatorRole;
  cmd.split = split;
  auto deal = store::DealRepo(ctx.db).Load(id);
  CT_TRY(deal);
  auto rules = ctx.rules.Find(deal->case_name);
  for (const auto& [role, amount] : split) {
    if (rules && !(*rules)->HasRole(role)) {
      return Fail(
          ErrorKind::kUsage,
          fmt::format("'{}' is not a role of this {} (roles: {})", role,
                      deal->case_name, fmt::join((*rules)->roles, ", ")));
    }
  }
  return ApplyOperatorCommand(ctx, id, cmd);
}

}  // namespace ct::app
