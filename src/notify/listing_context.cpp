#include "notify/listing_context.h"

#include <fmt/format.h>

#include "core/time.h"
#include "notify/message_input.h"
#include "notify/trust_context.h"

namespace ct::notify {
namespace {

using kainjow::mustache::data;
using kainjow::mustache::list;
using kainjow::mustache::object;

// The keys of one listing, prefixed with "listing_" at the top level and
// plain inside `results`.
object ListingObject(const MessageInput& in, const core::Listing& l) {
  const bool sale = l.IsSale();
  return object{
      {"id", l.id},
      {"is_sale", data(sale)},
      {"is_exchange", data(!sale)},
      {"title", l.title},
      {"wants", l.wants},
      {"tags", l.tags},
      {"has_tags", data(!l.tags.empty())},
      {"amount", FormatAmount(in, l.amount)},
      {"shipping", FormatAmount(in, l.shipping)},
      {"hand_delivery", data(l.delivery == "hand")},
      {"state", l.state},
      {"state_label", LabelOf(in, "listing_state", l.state)},
      {"expires", core::FormatHumanTime(l.expires)},
      {"interest_line", core::InterestLine(l.id)},
  };
}

void SetListing(data& ctx, const MessageInput& in, const core::Listing* l) {
  static const core::Listing kNoListing;
  ctx.set("has_listing", data(l != nullptr));
  for (auto& [key, value] : ListingObject(in, l ? *l : kNoListing))
    ctx.set("listing_" + key, value);
  ctx.set("withdraw_line",
          l ? fmt::format("{} {:02}", l->id, core::listing_code::kWithdraw)
            : std::string());
}

void SetOthers(data& ctx, const MessageInput& in, const ListingInput& li) {
  ctx.set("interested_email", li.interested_email);
  ctx.set("interested_note", li.interested_note);
  ctx.set("has_interested_note", data(!li.interested_note.empty()));
  ctx.set("lock_line",
          li.listing && !li.interested_email.empty()
              ? fmt::format("{} {:02} {}", li.listing->id,
                            core::listing_code::kLock, li.interested_email)
              : std::string());
  ctx.set("listing_deal", li.deal_id);
  ctx.set("search_text", li.search_text);
  data results{list{}};
  for (size_t i = 0; i < li.results.size(); ++i) {
    object result = ListingObject(in, li.results[i]);
    // The record, not the address: a search never shows who the lister is.
    const bool has_record = i < li.records.size();
    core::ReputationSummary record =
        has_record ? li.records[i] : core::ReputationSummary{};
    record.who = LabelOf(in, "listing", "lister");
    result.emplace("lister_record",
                   has_record ? ReputationData(record) : data(false));
    result.emplace("has_lister_record", data(has_record));
    results << data(std::move(result));
  }
  ctx.set("results", results);
  ctx.set("has_results", data(!li.results.empty()));
  ctx.set("result_count", std::to_string(li.results.size()));
}

}  // namespace

std::vector<std::string> ListingTemplateNames() {
  return {"listing_posted",         "listing_withdrawn", "search_results",
          "interest_sent",          "interest_notice",   "listing_taken",
          "listing_reopened",       "listing_closed",    "listing_expired",
          "listing_expiry_reminder"};
}

void SetListingContext(data& ctx, const MessageInput& in) {
  static const ListingInput kNone;
  const ListingInput& li = in.listing_input ? *in.listing_input : kNone;
  SetListing(ctx, in, li.listing);
  SetOthers(ctx, in, li);
}

void SetSampleListingContext(data& ctx, const MessageInput& in) {
  core::Listing sale;
  sale.id = "CL-7K3QX9A2";
  sale.case_name = "sale";
  sale.lister = "alice@example.org";
  sale.title = "Kind of Blue, CD, mint";
  sale.tags = "jazz cd";
  sale.amount = core::Money::FromMinor(2500);
  sale.shipping = core::Money::FromMinor(500);
  sale.expires = core::Time(std::chrono::seconds(1801742400));
  core::Listing exchange = sale;
  exchange.id = "CL-9P4RT7B1";
  exchange.case_name = "exchange";
  exchange.title = "Kind of Blue (CD)";
  exchange.wants = "any Coltrane LP";
  exchange.amount = core::Money::FromMinor(2000);
  ListingInput li;
  li.listing = &sale;
  li.interested_email = "bob@example.org";
  li.interested_note = "Still available? I can pick it up.";
  li.search_text = "blue cd max: 30";
  li.results = {sale, exchange};
  core::ReputationSummary record;
  record.funded = record.completed = 3;
  record.plus = 2;
  record.defaults = 1;
  record.since = *core::ParseIsoTime("2026-03-01T00:00:00Z");
  li.records = {record, core::ReputationSummary{}};
  li.deal_id = "CT-7K3QX9A2";
  MessageInput with = in;
  with.listing_input = &li;
  SetListingContext(ctx, with);
}

}  // namespace ct::notify
