#include "app/inbound/listing_commands.h"

#include <fmt/format.h>

#include <random>

#include "app/base/origin.h"
#include "app/deals/commit.h"
#include "app/deals/deals.h"
#include "app/market/listing_notices.h"
#include "app/market/listings.h"
#include "app/trust/trust.h"
#include "core/limits.h"
#include "store/repos.h"

namespace ct::app {
namespace {

constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kMaxIdAttempts = 16;

Result<std::string> NewListingId(store::Database& db) {
  static thread_local std::random_device device;
  std::uniform_int_distribution<int> pick(0, 31);
  store::ListingRepo listings(db);
  for (int attempt = 0; attempt < kMaxIdAttempts; ++attempt) {
    std::string id = "CL-";
    for (int i = 0; i < 8; ++i) id += kAlphabet[pick(device)];
    auto exists = listings.Exists(id);
    CT_TRY(exists);
    if (!*exists) return id;
  }
  return Fail(ErrorKind::kInternal, "could not draw an unused listing id");
}

ListingOutcome Refused(std::string reason) {
  return ListingOutcome{true, std::move(reason), "", ""};
}

ListingOutcome Applied(std::string outcome, std::string deal_id = "") {
  return ListingOutcome{false, "", std::move(outcome), std::move(deal_id)};
}

// The deal the listing would open, made now with a stand-in counterparty:
// terms that the rules refuse are refused when posted, not when locked.
Result<void> CheckDealTerms(Context& ctx, const core::Listing& listing) {
  auto rules = ctx.rules.Find(listing.case_name);
  if (!rules)
    return Fail(
        ErrorKind::kInvalidInput,
        fmt::format("CT 05 {}: {}", listing.case_name, rules.error().message));
  core::Offer offer =
      core::OfferFromListing(listing, **rules, "counterparty@invalid");
  offer.id = "CT-00000000";
  auto deal = core::NewDeal(**rules, ctx.config.policy, offer, ctx.now);
  CT_TRY(deal);
  return {};
}

Result<ListingOutcome> Post(Context& ctx, const core::OfferText& text,
                            const std::string& email, const Origin& origin) {
  auto listing =
      core::ListingFromFields(text.case_name, text.fields, email,
                              ctx.config.policy.money.currency, ctx.now);
  if (!listing) return Refused(listing.error().message);
  if (listing->lang.empty())
    listing->lang = ctx.config.templates.default_language;
  if (listing->lang.size() < 2 || listing->lang.size() > 3 ||
      listing->lang.find_first_not_of("abcdefghijklmnopqrstuvwxyz") !=
          std::string::npos)
    return Refused("lang: '" + core::Excerpt(listing->lang) +
                   "' is not a language code");
  if (auto ok = CheckDealTerms(ctx, *listing); !ok)
    return Refused(ok.error().message);
  store::ListingRepo repo(ctx.db);
  auto active = repo.CountActive(email);
  CT_TRY(active);
  const int max = ctx.config.listings.max_open_per_party;
  if (*active >= max)
    return Refused(fmt::format(
        "you already have {} open listings, the most one party may have; "
        "withdraw one (CL-XXXXXXXX 13) first",
        *active));
  auto id = NewListingId(ctx.db);
  CT_TRY(id);
  listing->id = *id;
  CT_TRY(repo.Insert(*listing));
  notify::ListingInput in;
  in.listing = &*listing;
  CT_TRY(QueueListingMail(ctx, "listing_posted", email, listing->lang, in,
                          origin.message_ref));
  return Applied("listing: posted " + *id);
}

Result<ListingOutcome> Search(Context& ctx, const core::SearchQuery& query,
                              const std::string& email, const Origin& origin,
                              const std::string& typed) {
  auto found = store::ListingRepo(ctx.db).Search(query, core::kMaxSearchResults,
                                                 ctx.now);
  CT_TRY(found);
  notify::ListingInput in;
  in.search_text = typed;
  in.results = std::move(*found);
  for (const auto& listing : in.results) {  // each lister's one-line record
    auto record = Reputation(ctx, listing.lister);
    CT_TRY(record);
    in.records.push_back(std::move(*record));
  }
  CT_TRY(QueueListingMail(ctx, "search_results", email,
                          ctx.config.templates.default_language, in,
                          origin.message_ref));
  return Applied(fmt::format("search: {} found", in.results.size()));
}

Result<ListingOutcome> Interest(Context& ctx, const core::Listing& listing,
                                const core::ListingCommand& cmd,
                                const std::string& email,
                                const Origin& origin) {
  store::ListingRepo repo(ctx.db);
  CT_TRY(repo.AddInterest({listing.id, email, cmd.text, ctx.now}));
  notify::ListingInput in;
  in.listing = &listing;
  in.interested_email = email;
  in.interested_note = cmd.text;
  CT_TRY(QueueListingMail(ctx, "interest_sent", email,
                          ctx.config.templates.default_language, in,
                          origin.message_ref));
  CT_TRY(QueueListingMail(ctx, "interest_notice", listing.lister, listing.lang,
                          in, ""));
  return Applied(fmt::format("listing {}: {} interested", listing.id, email));
}

// Tells everyone else who was interested that the listing is taken.
Result<void> TellOthers(Context& ctx, const core::Listing& listing) {
  auto interests = store::ListingRepo(ctx.db).Interests(listing.id);
  CT_TRY(interests);
  notify::ListingInput in;
  in.listing = &listing;
  for (const auto& interest : *interests) {
    if (interest.email == listing.locked_to) continue;
    if (auto ok =
            QueueListingMail(ctx, "listing_taken", interest.email,
                             ctx.config.templates.default_language, in, "");
        !ok)
      return ok;
  }
  return {};
}

Result<ListingOutcome> Lock(Context& ctx, core::Listing listing,
                            const core::ListingCommand& cmd,
                            const Origin& origin) {
  auto rules = ctx.rules.Find(listing.case_name);
  if (!rules) return Fail(ErrorKind::kConfig, rules.error().message);
  core::Offer offer = core::OfferFromListing(listing, **rules, cmd.email);
  auto deal_id = WriteOffer(ctx, **rules, offer, origin);
  if (!deal_id) {
    if (deal_id.error().kind == ErrorKind::kInvalidInput)
      return Refused(deal_id.error().message);
    return std::unexpected(deal_id.error());
  }
  store::ListingRepo repo(ctx.db);
  CT_TRY(repo.LinkDeal(*deal_id, listing.id));
  listing.state = core::kListingLocked;
  listing.deal_id = *deal_id;
  listing.locked_to = cmd.email;
  CT_TRY(repo.Update(listing));
  CT_TRY(TellOthers(ctx, listing));
  return Applied(fmt::format("listing {}: locked to {}, deal {}", listing.id,
                             cmd.email, *deal_id),
                 *deal_id);
}

Result<ListingOutcome> Withdraw(Context& ctx, core::Listing listing,
                                const Origin& origin) {
  listing.state = core::kListingWithdrawn;
  CT_TRY(store::ListingRepo(ctx.db).Update(listing));
  notify::ListingInput in;
  in.listing = &listing;
  CT_TRY(QueueListingMail(ctx, "listing_withdrawn", listing.lister,
                          listing.lang, in, origin.message_ref));
  return Applied("listing " + listing.id + ": withdrawn");
}

Result<ListingOutcome> OnListing(Context& ctx, const core::Parsed& parsed,
                                 const std::string& email,
                                 const Origin& origin) {
  const core::ListingCommand& cmd = parsed.listing_command;
  store::ListingRepo repo(ctx.db);
  auto listing = repo.Load(parsed.listing_id);
  if (!listing) {
    if (listing.error().kind == ErrorKind::kNotFound)
      return Refused("there is no listing " + parsed.listing_id);
    return std::unexpected(listing.error());
  }
  const std::string& asked =
      cmd.code == core::listing_code::kLock ? cmd.email : email;
  auto interested = repo.IsInterested(listing->id, asked);
  CT_TRY(interested);
  if (auto why = core::WhyNot(*listing, cmd, email, *interested, ctx.now);
      !why.empty())
    return Refused(why);
  switch (cmd.code) {
    case core::listing_code::kInterest:
      return Interest(ctx, *listing, cmd, email, origin);
    case core::listing_code::kLock:
      return Lock(ctx, std::move(*listing), cmd, origin);
    default:
      return Withdraw(ctx, std::move(*listing), origin);
  }
}

// The search as typed, for the reply: the words and filters, re-joined.
std::string Typed(const core::SearchQuery& query) {
  std::string out;
  for (const auto& w : query.words) out += (out.empty() ? "" : " ") + w;
  if (query.max)
    out += (out.empty() ? "" : " ") + ("max: " + query.max->ToString());
  if (!query.case_name.empty())
    out += (out.empty() ? "" : " ") + ("case: " + query.case_name);
  return out.empty() ? "(all open listings)" : out;
}

}  // namespace

Result<ListingOutcome> ApplyListingMail(Context& ctx,
                                        const core::Parsed& parsed,
                                        const std::string& email,
                                        const std::string& message_ref) {
  const Origin origin{email, message_ref};
  switch (parsed.kind) {
    case core::Parsed::Kind::kListing:
      return Post(ctx, parsed.offer, email, origin);
    case core::Parsed::Kind::kSearch:
      return Search(ctx, parsed.search, email, origin, Typed(parsed.search));
    case core::Parsed::Kind::kListingCommand:
      return OnListing(ctx, parsed, email, origin);
    default:
      return Fail(ErrorKind::kInternal, "not a listing message");
  }
}

}  // namespace ct::app
