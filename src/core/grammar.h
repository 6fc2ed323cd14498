// The e-mail command grammar (docs/protocol.md, "Deal ids and command lines"):
// finds the one command line of a message's signed text and reads its
// arguments. Pure: the caller passes only text that GnuPG says is signed.
#ifndef CYBERTROC_CORE_GRAMMAR_H_
#define CYBERTROC_CORE_GRAMMAR_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/engine.h"
#include "core/listing.h"

namespace ct::core {

// "CT-7K3QX9A2" from any case and Crockford look-alikes (o->0, i/l->1);
// nullopt when it is not a transaction id.
std::optional<std::string> NormalizeDealId(std::string_view text);

// The first transaction id that starts a live command line of `text`, even
// when the line itself is malformed: lets a refusal show that deal's state.
std::optional<std::string> MentionedDealId(std::string_view text);

// An offer (code 10): the case and its "key: value" fields, raw.
struct OfferText {
  std::string case_name;  // "sale" / "exchange" (lower case)
  std::map<std::string, std::string> fields;
};

// "CT 03 IBAN" with optional "bic:" and "name:" lines below it: where the
// sender is paid. Raw text, bounded in length; the shell checks the IBAN
// and BIC (money/iban.h).
struct AccountText {
  std::string iban;  // as written, blanks included
  std::string bic;   // "" = not given
  std::string name;  // account holder, "" = not given
};
inline constexpr int kAccountCode = 3;

struct Parsed {
  enum class Kind {
    kNone,     // no command line at all (the sender gets the help text)
    kHelp,     // "CT HELP"
    kCommand,  // a code for an existing deal
    kOffer,    // "CT 10 SALE" / "CT 10 EXCHANGE"
    kListing,  // "CT 05 SALE" / "CT 05 EXCHANGE": `offer` holds the fields
    kSearch,   // "CT 06 words… [max: A] [case: C]"
    kListingCommand,  // "CL-XXXXXXXX 07|08|13 …"
    kReputation,      // "CT 00 REPUTATION EMAIL|FPR"
    kAccount,         // "CT 03 IBAN": register a payout account
  };
  Kind kind = Kind::kNone;
  std::string deal_id;     // kCommand
  Command command;         // kCommand: code and arguments (actor left empty)
  OfferText offer;         // kOffer, kListing
  SearchQuery search;      // kSearch
  std::string listing_id;  // kListingCommand
  ListingCommand listing_command;  // kListingCommand
  std::string query;    // kReputation: the address or fingerprint asked
  AccountText account;  // kAccount
};

// Reads `text`: lines starting with '>' and everything after a "-- " line
// are ignored, leading blanks too, a BOM and fullwidth forms are folded to
// ASCII. Two command lines, an unknown code or malformed arguments are
// kInvalidInput errors whose message is meant for the sender.
Result<Parsed> ParseCommandText(std::string_view text,
                                std::string_view currency);

// Builds the engine's Offer from the fields of a "CT 10" message sent by
// `sender` (who becomes the initiator). Unknown or missing fields, bad
// amounts and a currency other than `currency` are kInvalidInput errors.
Result<Offer> OfferFromText(const OfferText& text, const CaseRules& rules,
                            const std::string& sender,
                            std::string_view currency);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_GRAMMAR_H_
