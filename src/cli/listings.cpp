// listings [--state S] [--json], listing CL-… [--json], catalogue --out DIR:
// the operator's and support's view of the marketplace (docs/operator.md).
#include "app/market/listings.h"

#include <fmt/format.h>

#include <iostream>

#include "app/market/catalogue.h"
#include "cli/common.h"
#include "store/listing_repo.h"

namespace ct::cli {
namespace {

util::Json ListingJson(const core::Listing& l, const std::string& currency) {
  return util::Json::Object()
      .Set("id", l.id)
      .Set("case", l.case_name)
      .Set("state", l.state)
      .Set("lister", l.lister)
      .Set("title", l.title)
      .Set("wants", l.wants)
      .Set("tags", l.tags)
      .Set(l.IsSale() ? "price" : "value", l.amount.ToString())
      .Set("shipping", l.shipping.ToString())
      .Set("currency", currency)
      .Set("delivery", l.delivery)
      .Set("lang", l.lang)
      .Set("created", core::FormatIsoTime(l.created))
      .Set("expires", core::FormatIsoTime(l.expires))
      .Set("deal", TextOrNull(l.deal_id))
      .Set("locked_to", TextOrNull(l.locked_to))
      .Set("interest_line", core::InterestLine(l.id));
}

std::string ListingLine(const core::Listing& l) {
  return Fit(fmt::format("{:<11}  {:<8}  {:<9}  {:>9}  {:<24}  {}", l.id,
                         l.case_name, l.state, l.amount.ToString(), l.lister,
                         l.title));
}

// --json given before the command (global) or after it.
bool WantsJson(const Globals& globals, const po::variables_map& vm) {
  return globals.json || vm.count("json") > 0;
}

void PrintView(const app::ListingView& view, const std::string& currency) {
  const core::Listing& l = view.listing;
  std::cout << Fit(fmt::format("{}  {}  {}", l.id, l.case_name, l.state))
            << '\n'
            << Fit("Lister    " + l.lister) << '\n'
            << Fit((l.IsSale() ? "Item      " : "Give      ") + l.title)
            << '\n';
  if (!l.IsSale()) std::cout << Fit("Wants     " + l.wants) << '\n';
  if (!l.tags.empty()) std::cout << Fit("Tags      " + l.tags) << '\n';
  std::cout << fmt::format("{}     {} {}", l.IsSale() ? "Price" : "Value",
                           l.amount.ToString(), currency);
  if (l.IsSale())
    std::cout << fmt::format(", shipping {} {}", l.shipping.ToString(),
                             currency);
  std::cout << "\nDelivery  " << l.delivery << ", language " << l.lang
            << "\nCreated   " << core::FormatHumanTime(l.created)
            << "\nExpires   " << core::FormatHumanTime(l.expires) << '\n';
  if (!l.deal_id.empty())
    std::cout << Fit("Locked    to " + l.locked_to + ", deal " + l.deal_id)
              << '\n';
  for (const auto& deal : view.deals) std::cout << "Deal      " << deal << '\n';
  std::cout << "Interested (" << view.interests.size() << "):\n";
  for (const auto& i : view.interests)
    std::cout << Fit("  " + core::FormatHumanTime(i.at) + "  " + i.email +
                     (i.note.empty() ? "" : "  " + i.note))
              << '\n';
}

util::Json ViewJson(const app::ListingView& view, const std::string& currency) {
  util::Json interests = util::Json::Array();
  for (const auto& i : view.interests)
    interests.Push(util::Json::Object()
                       .Set("email", i.email)
                       .Set("note", i.note)
                       .Set("at", core::FormatIsoTime(i.at)));
  util::Json deals = util::Json::Array();
  for (const auto& d : view.deals) deals.Push(util::Json(d));
  return ListingJson(view.listing, currency)
      .Set("interested", std::move(interests))
      .Set("deals", std::move(deals));
}

}  // namespace

Result<void> RunListings(const Globals& globals, const Args& args) {
  Syntax syntax("listings [--state open|locked|closed|expired|withdrawn]");
  syntax.options.add_options()(
      "state", po::value<std::string>()->value_name("S"),
      "only listings in state S")("json", "print JSON (as the global --json)");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  const std::string state = Optional(vm, "state");
  if (!state.empty() && !core::IsListingState(state))
    return Fail(ErrorKind::kUsage,
                "listings: --state is open, locked, closed, expired or "
                "withdrawn, not '" +
                    state + "'");
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto listings = store::ListingRepo(ctx->db).List(state);
  CT_TRY(listings);
  const std::string& currency = ctx->config.policy.money.currency;
  PrintRows(
      WantsJson(globals, vm), *listings,
      [&](const core::Listing& l) { return ListingJson(l, currency); },
      ListingLine);
  return {};
}

Result<void> RunListing(const Globals& globals, const Args& args) {
  Syntax syntax("listing CL-XXXXXXXX");
  syntax.hidden.add_options()("id", po::value<std::string>(), "");
  syntax.positional.add("id", 1);
  syntax.options.add_options()("json", "print JSON (as the global --json)");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto text = Required(vm, "id", syntax.usage);
  CT_TRY(text);
  auto id = app::ParseListingId(*text);
  CT_TRY(id);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto view = app::ShowListing(*ctx, *id);
  CT_TRY(view);
  const std::string& currency = ctx->config.policy.money.currency;
  if (WantsJson(globals, vm))
    PrintJson(ViewJson(*view, currency));
  else
    PrintView(*view, currency);
  return {};
}

Result<void> RunCatalogue(const Globals& globals, const Args& args) {
  Syntax syntax("catalogue --out DIR");
  syntax.options.add_options()("out",
                               po::value<std::string>()->value_name("DIR"),
                               "where to write the static catalogue");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};  // --help
  auto dir = Required(vm, "out", syntax.usage);
  CT_TRY(dir);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto report = app::WriteCatalogue(*ctx, *dir);
  CT_TRY(report);
  if (globals.json)
    PrintJson(util::Json::Object()
                  .Set("dir", *dir)
                  .Set("listings", report->listings)
                  .Set("removed", report->removed));
  else
    std::cout << fmt::format(
        "catalogue: {} open listings written to {} ({} old pages removed)\n",
        report->listings, *dir, report->removed);
  return {};
}

}  // namespace ct::cli
