// Trust terms of an offer and the engine's hooks for them (core/trust_terms.h).
#include "core/trust_terms.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/deadlines.h"
#include "core/words.h"
#include "util/text.h"

namespace ct::core {
namespace {

using internal::Contains;

std::string TextOf(const Deal& deal, const char* key) {
  auto it = deal.texts.find(key);
  return it == deal.texts.end() ? std::string() : it->second;
}

Money AmountOf(const Deal& deal, const char* key) {
  auto it = deal.amounts.find(key);
  return it == deal.amounts.end() ? Money() : it->second;
}

std::unexpected<Error> Bad(std::string what) {
  return Fail(ErrorKind::kInvalidInput, std::move(what));
}

// Neither the moderator nor the referrer may be a party: a party would
// judge its own deal, or take back part of the commission it paid.
Result<void> CheckOutsider(const Offer& offer, const std::string& email,
                           const char* field) {
  for (const auto& [role, party] : offer.emails)
    if (party == email)
      return Bad(
          fmt::format("{}: {} is the {} of this deal", field, email, role));
  return {};
}

Result<void> AddModerator(const CaseRules& rules, const Policy& policy,
                          const Offer& offer, Deal& deal) {
  if (offer.moderator.empty()) return {};
  if (rules.moderation.role.empty())
    return Bad(fmt::format("a {} cannot name a moderator", rules.name));
  if (auto ok = CheckOutsider(offer, offer.moderator, "moderator"); !ok)
    return ok;
  auto base = Evaluate(rules.moderation.fee_base, deal.amounts);
  CT_TRY(base);
  Money fee = offer.moderator_fee.Of(*base);
  const std::string& from = policy.trust.moderator_fee_from;
  // From the commission: never more than the operator received.
  if (from == "commission") fee = std::min(fee, deal.amounts["commission"]);
  deal.texts[trust_key::kModerator] = offer.moderator;
  deal.texts[trust_key::kFeeFrom] = from;
  deal.amounts[trust_key::kModeratorFee] = fee;
  if (from == "held") deal.amounts[trust_key::kReserved] = fee;
  return {};
}

Result<void> AddReferrer(const CaseRules& rules, const Policy& policy,
                         const Offer& offer, Deal& deal) {
  if (offer.referrer.empty()) return {};
  if (rules.referral_on.empty())
    return Bad(fmt::format("a {} cannot name a referrer", rules.name));
  if (auto ok = CheckOutsider(offer, offer.referrer, "referrer"); !ok)
    return ok;
  Money commission = deal.amounts["commission"];
  deal.texts[trust_key::kReferrer] = offer.referrer;
  deal.amounts[trust_key::kReferral] =
      std::min(policy.trust.referral_share.Of(commission), commission);
  return {};
}

// The texts a delivery mode requires are there (and a digest is one);
// texts of another mode are not.
Result<void> CheckDeliveryTexts(const CaseRules& rules, Deal& deal) {
  for (const auto& [mode, fields] : rules.delivery_texts) {
    for (const auto& field : fields) {
      auto it = deal.texts.find(field);
      const bool has = it != deal.texts.end() && !it->second.empty();
      if (mode != deal.delivery) {
        if (has)
          return Bad(fmt::format("{}: only with delivery: {}", field, mode));
        continue;
      }
      if (!has) return Bad(fmt::format("delivery: {} needs {}:", mode, field));
      if (field == trust_key::kSha256 && !IsSha256(it->second))
        return Bad("sha256: expected 64 hexadecimal digits");
      if (field == trust_key::kSha256)
        it->second = util::AsciiLower(it->second);
    }
  }
  return {};
}

// The first word of `text` that is a digest, with or without "sha256:".
std::string QuotedDigest(std::string_view text) {
  for (std::string_view word : SplitWords(text)) {
    std::string lower = util::AsciiLower(word);
    if (lower.starts_with("sha256:")) lower = lower.substr(7);
    if (IsSha256(lower)) return lower;
  }
  return "";
}

void Pay(Deal& deal, Effects& effects, LedgerKind kind,
         const std::string& payee, Money amount, const std::string& reason) {
  if (amount.IsZero()) return;
  if (kind == LedgerKind::kPayout) deal.paid_out += amount;
  effects.ledger.push_back({kind, payee, amount, reason, ""});
  effects.payouts.push_back({payee, amount, reason});
}

}  // namespace

std::string ModeratorOf(const Deal& deal) {
  return TextOf(deal, trust_key::kModerator);
}

std::string ReferrerOf(const Deal& deal) {
  return TextOf(deal, trust_key::kReferrer);
}

bool IsSha256(std::string_view text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0; });
}

namespace internal {

Result<void> AddTrustTerms(const CaseRules& rules, const Policy& policy,
                           const Offer& offer, Deal& deal) {
  if (auto ok = AddModerator(rules, policy, offer, deal); !ok) return ok;
  if (auto ok = AddReferrer(rules, policy, offer, deal); !ok) return ok;
  return CheckDeliveryTexts(rules, deal);
}

bool MayAct(const CaseRules& rules, const Deal& deal,
            const std::string& actor) {
  if (actor == kOperatorRole || deal.Party(actor)) return true;
  return rules.IsModeratorRole(actor) && !ModeratorOf(deal).empty();
}

bool DeliveryMatches(const TransitionRule& t, const Deal& deal) {
  return t.delivery.empty() || Contains(t.delivery, deal.delivery);
}

std::optional<Refusal> TrustRefusal(const Deal& deal, const Command& cmd) {
  const std::string digest = TextOf(deal, trust_key::kSha256);
  if (cmd.code != code::kSatisfied || digest.empty()) return std::nullopt;
  const std::string quoted = QuotedDigest(cmd.text);
  if (quoted.empty() || quoted == digest) return std::nullopt;
  Refusal r;
  r.reason =
      "the digest you quote is not the one of the offer: check the file, "
      "or send 62 to open a dispute";
  r.key = "digest_mismatch";
  r.args = {{"sha256", digest}};
  return r;
}

Result<void> PayShares(const CaseRules& rules, const StateRule& state,
                       Deal& deal, Effects& effects) {
  const std::string& mod = rules.moderation.role;
  if (!mod.empty() && !ModeratorOf(deal).empty() &&
      Contains(rules.moderation.fee_on, state.name)) {
    const bool held = TextOf(deal, trust_key::kFeeFrom) == "held";
    Pay(deal, effects, held ? LedgerKind::kPayout : LedgerKind::kShare, mod,
        AmountOf(deal, trust_key::kModeratorFee), "moderator_fee");
  }
  if (!ReferrerOf(deal).empty() && deal.funded &&
      Contains(rules.referral_on, state.name))
    Pay(deal, effects, LedgerKind::kShare, kReferrerPayee,
        AmountOf(deal, trust_key::kReferral), "referral");
  return {};
}

void NotifyModerator(const CaseRules& rules, const Command& cmd,
                     StepResult& result) {
  auto* out = std::get_if<Outcome>(&result);
  const std::string& mod = rules.moderation.role;
  if (!out || mod.empty() || ModeratorOf(out->deal).empty() ||
      cmd.code == code::kStatus || cmd.code == code::kReminder)
    return;
  const auto& in = rules.moderation.notify_in;
  if (!Contains(in, out->effects.from_state) &&
      !Contains(in, out->effects.to_state))
    return;
  auto& notes = out->effects.notifications;
  const Notification* model = nullptr;
  for (const auto& n : notes) {
    if (n.to == mod) return;  // already told
    if (!out->deal.Party(n.to)) continue;
    if (!model || (model->to_actor && !n.to_actor)) model = &n;
  }
  if (!model) return;
  Notification copy{mod, model->templates, cmd.actor == mod};
  notes.push_back(std::move(copy));
}

}  // namespace internal
}  // namespace ct::core
