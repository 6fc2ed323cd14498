// The trust part of `show`: who moderates and what for, who referred the
// buyer, the file's digest, and the parties' ratings (comments included:
// the operator reads them; they are never mailed).
#include <fmt/format.h>

#include <iostream>

#include "app/deals/views.h"
#include "cli/common.h"
#include "cli/show.h"
#include "core/trust_terms.h"

namespace ct::cli {
namespace {

using util::Json;

std::string Amount(const core::Deal& d, const char* key) {
  auto it = d.amounts.find(key);
  return it == d.amounts.end() ? "0.00" : it->second.ToString();
}

std::string Text(const core::Deal& d, const char* key) {
  auto it = d.texts.find(key);
  return it == d.texts.end() ? "" : it->second;
}

}  // namespace

Json TrustJson(const app::DealView& view) {
  const core::Deal& d = view.deal;
  namespace k = core::trust_key;
  Json moderator = Json::Null();
  if (!core::ModeratorOf(d).empty())
    moderator = Json::Object()
                    .Set("email", core::ModeratorOf(d))
                    .Set("fee", Amount(d, k::kModeratorFee))
                    .Set("fee_from", Text(d, k::kFeeFrom));
  Json referrer = Json::Null();
  if (!core::ReferrerOf(d).empty())
    referrer = Json::Object()
                   .Set("email", core::ReferrerOf(d))
                   .Set("share", Amount(d, k::kReferral));
  Json ratings = Json::Array();
  for (const auto& r : view.ratings)
    ratings.Push(Json::Object()
                     .Set("by", r.rater_role)
                     .Set("rated", r.rated_email)
                     .Set("score", r.score)
                     .Set("comment", r.comment)
                     .Set("at", core::FormatIsoTime(r.at)));
  return Json::Object()
      .Set("moderator", std::move(moderator))
      .Set("referrer", std::move(referrer))
      .Set("sha256", TextOrNull(Text(d, k::kSha256)))
      .Set("ratings", std::move(ratings));
}

void PrintTrust(const app::DealView& view) {
  const core::Deal& d = view.deal;
  namespace k = core::trust_key;
  std::vector<std::string> lines;
  if (!core::ModeratorOf(d).empty())
    lines.push_back(
        fmt::format("  moderator {}, fee {} from the {}", core::ModeratorOf(d),
                    Amount(d, k::kModeratorFee), Text(d, k::kFeeFrom)));
  if (!core::ReferrerOf(d).empty())
    lines.push_back(fmt::format("  referrer  {}, share {} on completion",
                                core::ReferrerOf(d), Amount(d, k::kReferral)));
  if (!Text(d, k::kSha256).empty())
    lines.push_back("  digital   sha256 " + Text(d, k::kSha256));
  for (const auto& r : view.ratings)
    lines.push_back(fmt::format(
        "  rating    by {} of {}: {:+d}{}", r.rater_role, r.rated_email,
        r.score, r.comment.empty() ? "" : " \"" + r.comment + "\""));
  if (lines.empty()) return;
  std::cout << "\nTrust\n";
  for (const auto& line : lines) std::cout << Fit(line) << '\n';
}

}  // namespace ct::cli
