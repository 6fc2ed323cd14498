// Listings: the marketplace before the deal (docs/protocol.md, "Listings").
// A party posts a listing (CT 05), others find it (CT 06) and say they are
// interested (CL-… 07); the lister locks it to one of them (CL-… 08), which
// opens a deal exactly as a code 10 offer would. Pure: the rules for reading
// the fields, for who may do what and when, and for what happens to a
// listing when its deal ends. The shell (app/market/listings.h) stores and mails.
#ifndef CYBERTROC_CORE_LISTING_H_
#define CYBERTROC_CORE_LISTING_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"
#include "core/money.h"
#include "core/time.h"

namespace ct::core {

namespace listing_code {
inline constexpr int kPost = 5;       // CT 05 SALE|EXCHANGE + fields
inline constexpr int kSearch = 6;     // CT 06 words… [max: A] [case: C]
inline constexpr int kInterest = 7;   // CL-… 07 [text]
inline constexpr int kLock = 8;       // CL-… 08 EMAIL
inline constexpr int kWithdraw = 13;  // CL-… 13
}  // namespace listing_code

inline constexpr int kListingDefaultDays = 30;
inline constexpr int kListingMaxDays = 90;
inline constexpr int kListingReminderDays = 3;  // the lister is told then
inline constexpr size_t kMaxSearchResults = 20;

// Listing states (docs/protocol.md "Listing states").
inline constexpr char kListingOpen[] = "open";
inline constexpr char kListingLocked[] = "locked";
inline constexpr char kListingClosed[] = "closed";
inline constexpr char kListingExpired[] = "expired";
inline constexpr char kListingWithdrawn[] = "withdrawn";

// True for the five states above.
bool IsListingState(std::string_view state);

struct Listing {
  std::string id;         // "CL-7K3QX9A2"
  std::string case_name;  // "sale" / "exchange"
  std::string state = kListingOpen;
  std::string lister;  // the bound address that posted it (lower case)
  std::string title;   // sale: item; exchange: give
  std::string wants;   // exchange: what the lister would take (free text)
  std::string tags;    // free words that help search, may be empty
  Money amount;        // sale: price; exchange: agreed value
  Money shipping;      // sale only
  std::string delivery = "post";
  std::string lang;  // "" until the shell applies the default
  Time created{};
  Time expires{};
  bool reminded = false;  // the expiry reminder went out
  std::string deal_id;    // the deal of the current lock ("" when none)
  std::string locked_to;  // the address it is locked to ("" when none)

  bool IsSale() const { return case_name == "sale"; }
  bool operator==(const Listing&) const = default;
};

// "CL-7K3QX9A2" from any case and Crockford look-alikes (o->0, i/l->1);
// nullopt when the word is not a listing id.
std::optional<std::string> NormalizeListingId(std::string_view word);

// The exact line a person sends to say they are interested.
std::string InterestLine(const std::string& listing_id);

// A listing from the "key: value" lines under "CT 05 SALE|EXCHANGE", posted
// by `lister` at `now`. Sale: item, price, [shipping], [delivery], [lang],
// [tags], [expires]; exchange: give, wants, value, [delivery], [lang],
// [tags], [expires] (days, 1..90, default 30). kInvalidInput, naming the
// field, for a missing, unknown, over-long or malformed one.
Result<Listing> ListingFromFields(const std::string& case_name,
                                  std::map<std::string, std::string> fields,
                                  const std::string& lister,
                                  std::string_view currency, Time now);

// The offer that locking `listing` to `counterparty` makes: the lister is
// the rules' initiator (seller / a), the counterparty the other role, and
// the terms are the listing's, so the deal is the one a code 10 would open.
Offer OfferFromListing(const Listing& listing, const CaseRules& rules,
                       const std::string& counterparty);

// CL-… 07 / 08 / 13 read from the rest of the line after the code.
struct ListingCommand {
  int code = 0;
  std::string text;   // 07: the short note for the lister (may be empty)
  std::string email;  // 08: whom to lock it to (lower case)
};
Result<ListingCommand> ParseListingCommand(int code, std::string_view rest);

// CT 06: search words and filters.
struct SearchQuery {
  std::vector<std::string> words;  // as typed; FtsQuery escapes them
  std::optional<Money> max;        // price (sale) or value (exchange) at most
  std::string case_name;           // "" = both
};
Result<SearchQuery> ParseSearch(std::string_view rest,
                                std::string_view currency);

// The FTS5 MATCH expression for `words`: every word a quoted string (its
// quotes doubled) taken as a prefix, all of them required. Words are never
// FTS5 operators or column filters, and never SQL (the expression is a
// bound parameter). "" when no word holds a letter or digit.
std::string FtsQuery(const std::vector<std::string>& words);

// Why `sender` may not do `cmd` on `listing` at `now` ("" = allowed).
// `interested`: whether cmd.email (08) or the sender (07) already said so.
// An open listing past its date is over even before `tick` expires it.
std::string WhyNot(const Listing& listing, const ListingCommand& cmd,
                   const std::string& sender, bool interested, Time now);

// The state a locked listing takes when its deal ended: closed when the deal
// was funded, else open again, or expired when past its date.
std::string StateAfterDeal(const Listing& listing, bool deal_funded, Time now);

// The expiry of an open listing is due / its reminder is due at `now`.
bool ExpiryDue(const Listing& listing, Time now);
bool ExpiryReminderDue(const Listing& listing, Time now);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_LISTING_H_
