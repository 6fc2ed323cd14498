// The pure rules of listings (core/listing.h).
#include "core/listing.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/address.h"
#include "core/crockford.h"
#include "core/limits.h"
#include "core/words.h"
#include "util/text.h"

namespace ct::core {
namespace {

constexpr size_t kLongestAmount = 32;

std::unexpected<Error> Bad(std::string message) {
  return Fail(ErrorKind::kInvalidInput, std::move(message));
}

Result<Money> Amount(std::string_view field, std::string_view text,
                     std::string_view currency) {
  if (CountChars(text) > kLongestAmount)
    return Bad(fmt::format("{}: bad amount '{}': too long", field,
                           Excerpt(text, kLongestAmount)));
  auto money = ParseMoney(text, currency);
  if (!money) return Bad(fmt::format("{}: {}", field, money.error().message));
  if ((money->IsZero() || money->IsNegative()) && field != "shipping")
    return Bad(fmt::format("the {} must be more than zero", field));
  if (money->IsNegative()) return Bad("the shipping cannot be negative");
  return *money;
}

Result<int> ExpiryDays(std::string_view text) {
  int days = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, days);
  if (text.empty() || ec != std::errc() || ptr != end || days < 1 ||
      days > kListingMaxDays)
    return Bad(fmt::format("expires: a number of days from 1 to {}, not '{}'",
                           kListingMaxDays, Excerpt(text)));
  return days;
}

// Takes `key` out of `fields`; nullopt when absent.
std::optional<std::string> Take(std::map<std::string, std::string>& fields,
                                const std::string& key) {
  auto it = fields.find(key);
  if (it == fields.end()) return std::nullopt;
  std::string value = std::move(it->second);
  fields.erase(it);
  return value;
}

Result<std::string> Text(std::map<std::string, std::string>& fields,
                         const std::string& key, size_t max, bool required) {
  auto value = Take(fields, key);
  if (!value || value->empty()) {
    if (required) return Bad(fmt::format("the {} is missing", key));
    return std::string();
  }
  CT_TRY(CheckFreeText(key, *value, max));
  return *value;
}

bool HasWordCharacter(std::string_view word) {
  return std::any_of(word.begin(), word.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u);
  });
}

}  // namespace

bool IsListingState(std::string_view state) {
  for (std::string_view s : {kListingOpen, kListingLocked, kListingClosed,
                             kListingExpired, kListingWithdrawn})
    if (s == state) return true;
  return false;
}

std::optional<std::string> NormalizeListingId(std::string_view word) {
  return NormalizePrefixedId(word, "CL");
}

std::string InterestLine(const std::string& listing_id) {
  return fmt::format("{} {:02}", listing_id, listing_code::kInterest);
}

Result<Listing> ListingFromFields(const std::string& case_name,
                                  std::map<std::string, std::string> fields,
                                  const std::string& lister,
                                  std::string_view currency, Time now) {
  if (case_name != "sale" && case_name != "exchange")
    return Bad("expected CT 05 SALE or CT 05 EXCHANGE");
  Listing l;
  l.case_name = case_name;
  l.lister = util::AsciiLower(lister);
  const bool sale = l.IsSale();
  auto title = Text(fields, sale ? "item" : "give", kMaxItemChars, true);
  CT_TRY(title);
  l.title = *title;
  if (!sale) {
    auto wants = Text(fields, "wants", kMaxItemChars, true);
    CT_TRY(wants);
    l.wants = *wants;
  }
  auto tags = Text(fields, "tags", kMaxListingTagsChars, false);
  CT_TRY(tags);
  l.tags = *tags;
  const std::string amount_key = sale ? "price" : "value";
  auto amount = Take(fields, amount_key);
  if (!amount) return Bad(fmt::format("the {} is missing", amount_key));
  auto money = Amount(amount_key, *amount, currency);
  CT_TRY(money);
  l.amount = *money;
  if (sale)
    if (auto shipping = Take(fields, "shipping")) {
      auto cost = Amount("shipping", *shipping, currency);
      CT_TRY(cost);
      l.shipping = *cost;
    }
  if (auto delivery = Take(fields, "delivery"))
    l.delivery = util::AsciiLower(*delivery);
  if (l.delivery != "post" && l.delivery != "hand")
    return Bad(
        fmt::format("delivery: post or hand, not '{}'", Excerpt(l.delivery)));
  if (auto lang = Take(fields, "lang")) l.lang = util::AsciiLower(*lang);
  int days = kListingDefaultDays;
  if (auto expires = Take(fields, "expires")) {
    auto parsed = ExpiryDays(*expires);
    CT_TRY(parsed);
    days = *parsed;
  }
  if (!fields.empty())
    return Bad(fmt::format("listing: unknown field '{}'",
                           Excerpt(fields.begin()->first)));
  l.created = now;
  l.expires = now + Days(days);
  // A listing shorter than the reminder window needs no reminder.
  l.reminded = days <= kListingReminderDays;
  return l;
}

Offer OfferFromListing(const Listing& listing, const CaseRules& rules,
                       const std::string& counterparty) {
  Offer offer;
  for (const auto& role : rules.roles)
    offer.emails[role] = role == rules.initiator
                             ? listing.lister
                             : util::AsciiLower(counterparty);
  if (listing.IsSale()) {
    offer.texts["item"] = listing.title;
    offer.terms["price"] = listing.amount;
    offer.terms["shipping"] = listing.shipping;
  } else {
    offer.texts["give"] = listing.title;
    offer.texts["take"] = listing.wants;
    offer.terms["value"] = listing.amount;
  }
  offer.delivery = listing.delivery;
  offer.lang = listing.lang;
  return offer;
}

Result<ListingCommand> ParseListingCommand(int code, std::string_view rest) {
  ListingCommand cmd;
  cmd.code = code;
  const auto words = SplitWords(rest);
  switch (code) {
    case listing_code::kInterest:
      cmd.text = std::string(rest);
      CT_TRY(CheckFreeText("text after 07", cmd.text, kMaxInterestTextChars));
      return cmd;
    case listing_code::kLock: {
      if (words.size() != 1 || words[0].find('@') == std::string_view::npos ||
          words[0].size() > kMaxAddressOctets)
        return Bad(
            "expected CL-XXXXXXXX 08 EMAIL (the address of one of the "
            "people interested)");
      // Canonical, as the interests are: any spelling finds the person.
      auto email = NormalizeAddress(words[0]);
      if (!email)
        return Bad(fmt::format("'{}' is not an e-mail address: {}",
                               Excerpt(words[0], 60), email.error().message));
      cmd.email = std::move(*email);
      return cmd;
    }
    case listing_code::kWithdraw:
      if (!words.empty()) return Bad("expected CL-XXXXXXXX 13 alone");
      return cmd;
    default:
      return Bad(fmt::format(
          "unknown listing code {:02}: 07 (interested), 08 EMAIL (lock), 13 "
          "(withdraw)",
          code));
  }
}

Result<SearchQuery> ParseSearch(std::string_view rest,
                                std::string_view currency) {
  CT_TRY(CheckFreeText("search", rest, kMaxSearchChars));
  SearchQuery query;
  const auto words = SplitWords(rest);
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string lower = util::AsciiLower(words[i]);
    const bool max = lower.starts_with("max:");
    if (max || lower.starts_with("case:")) {
      std::string value(words[i].substr(max ? 4 : 5));
      if (value.empty() && i + 1 < words.size()) value = words[++i];
      if (max) {
        auto amount = Amount("max", value, currency);
        CT_TRY(amount);
        query.max = *amount;
      } else {
        query.case_name = util::AsciiLower(value);
        if (query.case_name != "sale" && query.case_name != "exchange")
          return Bad(
              fmt::format("case: sale or exchange, not '{}'", Excerpt(value)));
      }
      continue;
    }
    if (query.words.size() == kMaxSearchWords)
      return Bad(fmt::format("search: at most {} words", kMaxSearchWords));
    query.words.emplace_back(words[i]);
  }
  return query;
}

std::string FtsQuery(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) {
    if (!HasWordCharacter(word)) continue;
    std::string quoted = "\"";
    for (char c : word)
      quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += (out.empty() ? "" : " AND ") + quoted + "\"*";
  }
  return out;
}

std::string WhyNot(const Listing& listing, const ListingCommand& cmd,
                   const std::string& sender, bool interested, Time now) {
  const bool lister = util::AsciiLower(sender) == listing.lister;
  const std::string& id = listing.id;
  if (listing.state == kListingOpen && now >= listing.expires &&
      cmd.code != listing_code::kWithdraw)
    return fmt::format("{} has expired ({})", id,
                       FormatHumanTime(listing.expires));
  if (cmd.code == listing_code::kInterest) {
    if (lister) return "you posted " + id + " yourself";
    if (listing.state == kListingLocked)
      return fmt::format("{} is taken for now (locked to someone else)", id);
    if (listing.state != kListingOpen)
      return fmt::format("{} is {}", id, listing.state);
    if (interested)
      return fmt::format("you already said you are interested in {}", id);
    return "";
  }
  if (!lister)
    return fmt::format("only the lister of {} may send {:02}", id, cmd.code);
  if (listing.state == kListingLocked)
    return fmt::format(
        "{} is locked to {} in deal {}; the offer can be withdrawn with "
        "\"{} 13\"",
        id, listing.locked_to, listing.deal_id, listing.deal_id);
  if (listing.state != kListingOpen)
    return fmt::format("{} is {}", id, listing.state);
  if (cmd.code == listing_code::kLock && !interested)
    return fmt::format("{} has not said they are interested in {}", cmd.email,
                       id);
  return "";
}

std::string StateAfterDeal(const Listing& listing, bool deal_funded, Time now) {
  if (deal_funded) return kListingClosed;
  return now >= listing.expires ? kListingExpired : kListingOpen;
}

bool ExpiryDue(const Listing& listing, Time now) {
  return listing.state == kListingOpen && now >= listing.expires;
}

bool ExpiryReminderDue(const Listing& listing, Time now) {
  return listing.state == kListingOpen && !listing.reminded &&
         now < listing.expires &&
         now >= listing.expires - Days(kListingReminderDays);
}

}  // namespace ct::core
