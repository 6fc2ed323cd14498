// Template keys of moderators, referrers, digital goods and reputation
// (templates/CONTEXT.md "Trust"): always set, so
// that every template may test them.
#include "notify/trust_context.h"

#include <fmt/format.h>

#include "core/reputation.h"
#include "core/trust_terms.h"
#include "notify/message_input.h"

namespace ct::notify {
namespace {

using kainjow::mustache::object;

std::string Text(const core::Deal* deal, const char* key) {
  if (!deal) return "";
  auto it = deal->texts.find(key);
  return it == deal->texts.end() ? std::string() : it->second;
}

std::string RatingWord(const core::Command& cmd) {
  if (cmd.code != core::code::kRate) return "";
  return cmd.score > 0 ? "+" : cmd.score < 0 ? "\u2212" : "0";
}

}  // namespace

Data ReputationData(const core::ReputationSummary& s) {
  return Data(object{
      {"who", s.who},
      {"completed", std::to_string(s.completed)},
      {"returned", std::to_string(s.returned)},
      {"disputes", std::to_string(s.disputed)},
      {"defaults", std::to_string(s.defaults)},
      {"has_defaults", Data(s.defaults > 0)},
      {"plus", std::to_string(s.plus)},
      {"minus", std::to_string(s.minus)},
      {"since", s.since ? core::YearMonth(*s.since) : std::string()},
      {"has_since", Data(s.since.has_value())},
      {"none", Data(s.funded == 0 && s.plus + s.minus + s.neutral == 0)},
      {"line", core::FormatReputationLine(s)},
  });
}

void SetTrust(Data& ctx, const MessageInput& in) {
  const core::Deal* deal = in.deal;
  const std::string moderator = Text(deal, core::trust_key::kModerator);
  const std::string referrer = Text(deal, core::trust_key::kReferrer);
  ctx.set("moderator", moderator);
  ctx.set("has_moderator", Data(!moderator.empty()));
  ctx.set("is_moderator",
          Data(in.rules && in.rules->IsModeratorRole(in.recipient_role)));
  ctx.set("actor_is_moderator",
          Data(in.rules && in.rules->IsModeratorRole(in.command.actor)));
  std::string fee;
  if (deal && deal->amounts.contains(core::trust_key::kModeratorFee))
    fee = deal->amounts.at(core::trust_key::kModeratorFee).ToString();
  if (in.decimal_mark != '.' && !fee.empty())
    fee.replace(fee.find('.'), 1, 1, in.decimal_mark);
  ctx.set("moderator_fee", fee);
  // What a split (90, resolve) must add up to: held less excess deposits
  // and less a moderator's fee set aside from the held funds.
  std::string split_total = deal ? deal->Splittable().ToString() : "";
  if (in.decimal_mark != '.' && !split_total.empty())
    split_total.replace(split_total.find('.'), 1, 1, in.decimal_mark);
  ctx.set("split_total", split_total);
  ctx.set("referrer", referrer);
  ctx.set("has_referrer", Data(!referrer.empty()));
  ctx.set("digital_delivery", Data(deal && deal->delivery == "digital"));
  ctx.set("sha256", Text(deal, core::trust_key::kSha256));
  ctx.set("rating", RatingWord(in.command));
  ctx.set("reputation",
          in.reputation ? ReputationData(*in.reputation) : Data(false));
  ctx.set("has_reputation", Data(in.reputation != nullptr));
}

void SetSampleTrust(Data& ctx) {
  core::ReputationSummary s;
  s.who = "alice@example.org";
  s.funded = s.completed = 12;
  s.returned = 1;
  s.plus = 11;
  s.defaults = 1;
  s.since = *core::ParseIsoTime("2026-03-01T00:00:00Z");
  ctx.set("moderator", "mod@example.org");
  ctx.set("has_moderator", Data(true));
  ctx.set("is_moderator", Data(true));
  ctx.set("actor_is_moderator", Data(true));
  ctx.set("moderator_fee", "1.25");
  ctx.set("split_total", "88.75");
  ctx.set("referrer", "blog@example.org");
  ctx.set("has_referrer", Data(true));
  ctx.set("digital_delivery", Data(true));
  ctx.set("sha256", std::string(64, 'a'));
  ctx.set("rating", "+");
  ctx.set("reputation", ReputationData(s));
  ctx.set("has_reputation", Data(true));
}

}  // namespace ct::notify
