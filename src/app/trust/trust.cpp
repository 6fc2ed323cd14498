#include "app/trust/trust.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/address.h"
#include "core/limits.h"
#include "core/trust_terms.h"
#include "store/repos.h"
#include "verify/identity.h"

namespace ct::app {
namespace {

// States whose entry is worth a fact besides the final ones.
bool IsDisputeState(const std::string& state) {
  return state == "disputed" || state == "expired";
}

// The key `email` is counted under for this deal: the one of its first
// fact (taken when the deal was funded), else its binding now.
Result<std::string> FingerprintFor(Context& ctx, const std::string& deal_id,
                                   const std::string& email) {
  auto kept = store::ReputationRepo(ctx.db).DealFingerprint(deal_id, email);
  CT_TRY(kept);
  if (*kept) return **kept;
  auto bound = store::KeyRepo(ctx.db).Find(email);
  CT_TRY(bound);
  return *bound ? (*bound)->fingerprint : std::string();
}

Result<void> AddFact(Context& ctx, const core::Deal& deal,
                     const core::PartyState& party, const std::string& kind) {
  auto fpr = FingerprintFor(ctx, deal.id, party.email);
  CT_TRY(fpr);
  return store::ReputationRepo(ctx.db).AddFact(
      {deal.id, party.email, *fpr, party.role, kind, ctx.now});
}

// Parties who had a step of their own to do (a mark: ship, send back) when
// the deadline passed without it.
std::vector<std::string> Defaulters(const core::CaseRules& rules,
                                    const core::Deal& before,
                                    const core::Command& cmd) {
  const core::StateRule* s = rules.FindState(before.state);
  if (cmd.code != core::code::kTimeout || !before.funded || !s ||
      s->waits_mark.empty() || s->waits_mark == "paid")
    return {};
  return core::WaitingFor(rules, before);
}

}  // namespace

Result<void> RecordReputation(Context& ctx, const core::CaseRules& rules,
                              const core::Deal& before,
                              const core::Outcome& outcome,
                              const core::Command& cmd) {
  const core::Deal& after = outcome.deal;
  if (!after.funded) return {};  // an unfunded deal costs nothing to fake
  std::vector<std::string> kinds;
  if (!before.funded) kinds.push_back("funded");
  const core::StateRule* entered = rules.FindState(after.state);
  if (after.state != before.state && entered &&
      (entered->is_final || IsDisputeState(after.state)))
    kinds.push_back(after.state);
  for (const auto& party : after.parties)
    for (const auto& kind : kinds)
      if (auto ok = AddFact(ctx, after, party, kind); !ok) return ok;
  for (const auto& role : Defaulters(rules, before, cmd))
    if (const core::PartyState* p = after.Party(role))
      if (auto ok = AddFact(ctx, after, *p, "default"); !ok) return ok;
  return {};
}

Result<core::ReputationSummary> Reputation(Context& ctx,
                                           const std::string& query) {
  std::string email, fpr;
  if (query.find('@') != std::string::npos) {
    auto address = core::NormalizeAddress(query);
    if (!address)
      return Fail(ErrorKind::kInvalidInput,
                  "'" + core::Excerpt(query) +
                      "' is not an e-mail address: " + address.error().message);
    email = std::move(*address);
    auto bound = store::KeyRepo(ctx.db).Find(email);
    CT_TRY(bound);
    if (*bound) fpr = (*bound)->fingerprint;
  } else {
    fpr = verify::NormalizeFingerprint(query);
    if (fpr.size() != 40 && fpr.size() != 64)
      return Fail(ErrorKind::kInvalidInput,
                  "'" + core::Excerpt(query) +
                      "' is neither an address nor a key fingerprint");
  }
  store::ReputationRepo repo(ctx.db);
  std::vector<std::string> keys;
  if (!fpr.empty()) {
    auto linked = repo.LinkedKeys(fpr);
    CT_TRY(linked);
    keys = *linked;
  }
  auto summary = repo.Summarize(keys, email);
  CT_TRY(summary);
  summary->who = email.empty() ? fpr : email;
  return summary;
}

Result<core::Refusal> RecordRating(Context& ctx, const core::CaseRules& rules,
                                   const core::Deal& deal,
                                   const core::Command& cmd,
                                   const std::string& email) {
  const core::PartyState* rater = deal.PartyByEmail(email);
  if (!rater)
    return core::Refusal{.reason = "only the parties rate a deal",
                         .key = "rate_not_party"};
  const core::StateRule* state = rules.FindState(deal.state);
  if (!state || !state->is_final)
    return core::Refusal{
        .reason = fmt::format("you can rate the other party once the deal is "
                              "over (it is {})",
                              deal.state),
        .key = "rate_not_over",
        .args = {{"state", deal.state}}};
  if (!deal.funded)
    return core::Refusal{.reason = "only funded deals are rated",
                         .key = "rate_not_funded"};
  const core::PartyState* rated = nullptr;
  for (const auto& p : deal.parties)
    if (p.role != rater->role) rated = &p;
  if (!rated) return Fail(ErrorKind::kInternal, "a deal with one party");
  auto rater_fpr = FingerprintFor(ctx, deal.id, rater->email);
  auto rated_fpr = FingerprintFor(ctx, deal.id, rated->email);
  CT_TRY(rater_fpr);
  CT_TRY(rated_fpr);
  store::RatingRecord r{deal.id,    rater->role, *rater_fpr, rated->email,
                        *rated_fpr, cmd.score,   cmd.text,   ctx.now};
  auto added = store::ReputationRepo(ctx.db).AddRating(r);
  CT_TRY(added);
  if (!*added)
    return core::Refusal{.reason = "you already rated this deal",
                         .key = "rate_twice",
                         .args = {{"id", deal.id}}};
  return core::Refusal{};
}

Result<void> FillTrustTerms(Context& ctx, core::Offer& offer) {
  if (offer.moderator.empty()) return {};
  const std::string& email = offer.moderator;
  auto entry = store::ModeratorRepo(ctx.db).Find(email);
  CT_TRY(entry);
  if (!*entry)
    return Fail(
        ErrorKind::kInvalidInput,
        "moderator: " + email + " is not one of the operator's moderators");
  offer.moderator_fee = {
      .is_percent = true, .basis_points = (*entry)->fee_bp, .fixed = {}};
  return {};
}

std::string RecipientLanguage(Context& ctx, const core::Deal& deal,
                              const std::string& role) {
  auto rules = ctx.rules.Find(deal.case_name);
  if (!rules || !(*rules)->IsModeratorRole(role)) return deal.lang;
  auto entry = store::ModeratorRepo(ctx.db).Find(core::ModeratorOf(deal));
  if (!entry || !*entry || (*entry)->lang.empty()) return deal.lang;
  return (*entry)->lang;
}

std::string TrustAddressOf(const Context& ctx, const core::Deal& deal,
                           const std::string& role) {
  if (role == core::kReferrerPayee) return core::ReferrerOf(deal);
  auto rules = ctx.rules.Find(deal.case_name);
  if (rules && (*rules)->IsModeratorRole(role)) return core::ModeratorOf(deal);
  return "";
}

Result<std::optional<core::ReputationSummary>> OfferRecord(
    Context& ctx, const core::Deal& deal, const core::Command& cmd,
    const core::Notification& note) {
  using Record = std::optional<core::ReputationSummary>;
  const core::PartyState* offerer = deal.Party(cmd.actor);
  if (cmd.code != core::code::kOffer || note.to_actor || !offerer ||
      !deal.Party(note.to))
    return Record();
  auto summary = Reputation(ctx, offerer->email);
  CT_TRY(summary);
  return Record(std::move(*summary));
}

Result<void> LinkKeys(Context& ctx, const std::string& old_text,
                      const std::string& new_text) {
  const std::string old_fpr = verify::NormalizeFingerprint(old_text);
  const std::string new_fpr = verify::NormalizeFingerprint(new_text);
  for (const auto& f : {old_fpr, new_fpr})
    if (f.size() != 40 && f.size() != 64)
      return Fail(ErrorKind::kUsage,
                  "reputation link: '" + f + "' is not a key fingerprint");
  if (old_fpr == new_fpr)
    return Fail(ErrorKind::kUsage, "reputation link: the same key twice");
  store::ReputationRepo repo(ctx.db);
  // A key linked into itself through others would count twice: refuse.
  auto above = repo.LinkedKeys(old_fpr);
  CT_TRY(above);
  if (std::find(above->begin(), above->end(), new_fpr) != above->end())
    return Fail(ErrorKind::kUsage, "reputation link: " + new_fpr +
                                       " is already an old key of " + old_fpr);
  return repo.Link(old_fpr, new_fpr, ctx.now);
}

}  // namespace ct::app
