// reputation EMAIL|FPR [--json]: a party's record (docs/operator.md);
// reputation link OLD_FPR NEW_FPR: count an old key's deals for a new one.
#include <fmt/format.h>

#include <iostream>

#include "app/trust/trust.h"
#include "cli/common.h"
#include "store/repos.h"

namespace ct::cli {
namespace {

util::Json SummaryJson(const core::ReputationSummary& s,
                       const std::vector<store::RatingRecord>& ratings) {
  util::Json keys = util::Json::Array();
  for (const auto& f : s.fingerprints) keys.Push(f);
  util::Json completed = util::Json::Object()
                             .Set("total", s.completed)
                             .Set("seller", s.completed_as_seller)
                             .Set("buyer", s.completed_as_buyer)
                             .Set("a", s.completed_as_a)
                             .Set("b", s.completed_as_b);
  util::Json comments = util::Json::Array();
  for (const auto& r : ratings)
    comments.Push(util::Json::Object()
                      .Set("deal", r.deal_id)
                      .Set("score", r.score)
                      .Set("comment", r.comment)
                      .Set("at", core::FormatIsoTime(r.at)));
  return util::Json::Object()
      .Set("who", s.who)
      .Set("fingerprints", keys)
      .Set("funded", s.funded)
      .Set("completed", completed)
      .Set("returned", s.returned)
      .Set("disputed", s.disputed)
      .Set("settled", s.settled)
      .Set("expired", s.expired)
      .Set("defaults", s.defaults)
      .Set("ratings", util::Json::Object()
                          .Set("plus", s.plus)
                          .Set("minus", s.minus)
                          .Set("neutral", s.neutral))
      .Set("since",
           s.since ? util::Json(core::YearMonth(*s.since)) : util::Json::Null())
      .Set("rating_comments", comments)
      .Set("line", core::FormatReputationLine(s));
}

void PrintSummary(const core::ReputationSummary& s,
                  const std::vector<store::RatingRecord>& ratings) {
  std::cout << Fit(core::FormatReputationLine(s), 200) << "\n";
  std::cout << fmt::format(
      "  keys: {}\n  funded {}; completed {} (seller {}, buyer {}, a {}, b "
      "{}); returned {}; disputed {}; settled {}; expired {}; deadlines "
      "missed {}\n  ratings: {} +, {} 0, {} -\n",
      s.fingerprints.empty() ? "(none bound)"
                             : fmt::format("{}", s.fingerprints.front()),
      s.funded, s.completed, s.completed_as_seller, s.completed_as_buyer,
      s.completed_as_a, s.completed_as_b, s.returned, s.disputed, s.settled,
      s.expired, s.defaults, s.plus, s.neutral, s.minus);
  for (size_t i = 1; i < s.fingerprints.size(); ++i)
    std::cout << "  linked old key: " << s.fingerprints[i] << "\n";
  // Comments are for the operator's eyes: never mailed to anyone.
  for (const auto& r : ratings)
    if (!r.comment.empty())
      std::cout << Fit(fmt::format("  {} {:+d} {}: {}", r.deal_id, r.score,
                                   core::FormatHumanTime(r.at), r.comment))
                << "\n";
}

}  // namespace

Result<void> RunReputation(const Globals& globals, const Args& args) {
  Syntax syntax(
      "reputation EMAIL|FPR [--json] | reputation link OLD_FPR NEW_FPR");
  syntax.options.add_options()("json", "print JSON");
  syntax.hidden.add_options()("arg", po::value<std::vector<std::string>>());
  syntax.positional.add("arg", -1);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};
  std::vector<std::string> rest;
  if (vm.count("arg")) rest = vm["arg"].as<std::vector<std::string>>();
  const bool link = rest.size() == 3 && rest[0] == "link";
  if (rest.size() != 1 && !link) return WrongUsage(syntax);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  if (link) {
    if (auto ok = app::LinkKeys(*ctx, rest[1], rest[2]); !ok) return ok;
    std::cout << "linked: the deals of " << rest[1] << " now count for "
              << rest[2] << "\n";
    return {};
  }
  auto summary = app::Reputation(*ctx, rest[0]);
  if (!summary) {
    if (summary.error().kind == ErrorKind::kInvalidInput)
      return Fail(ErrorKind::kUsage, "reputation: " + summary.error().message);
    return std::unexpected(summary.error());
  }
  auto ratings =
      store::ReputationRepo(ctx->db).RatingsReceived(summary->fingerprints);
  CT_TRY(ratings);
  if (globals.json || vm.count("json"))
    PrintJson(SummaryJson(*summary, *ratings));
  else
    PrintSummary(*summary, *ratings);
  return {};
}

}  // namespace ct::cli
