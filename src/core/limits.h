// Every limit on what comes from outside — a party's mail, the operator's
// command line, the files the operator names — in one place, so that the
// code, the refusal messages, the README and the tests agree. Text lengths
// count characters (Unicode code points); file and header sizes count
// octets.
#ifndef CYBERTROC_CORE_LIMITS_H_
#define CYBERTROC_CORE_LIMITS_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::core {

// ---- free texts of a deal ------------------------------------------------
// What is traded (item, give, take): it goes into every Subject and every
// one-line listing; 200 characters name any object.
inline constexpr size_t kMaxItemChars = 200;
// Tracking text (40, 81) and reasons (62, 102): one line of a mail.
inline constexpr size_t kMaxCommandTextChars = 200;
// A payment reference (21 ref=…, deposit --ref, payout-done --ref): bank
// references are at most 35 characters (SEPA); room for a note.
inline constexpr size_t kMaxReferenceChars = 100;

// ---- listings (docs/protocol.md, "Listings") -------------------------------
// Title (item / give) and wants: kMaxItemChars, as in the deal they become.
// Tags: a few search words.
inline constexpr size_t kMaxListingTagsChars = 200;
// The note of an interest (07), shown to the lister.
inline constexpr size_t kMaxInterestTextChars = 200;
// A search line (CT 06) and its number of words.
inline constexpr size_t kMaxSearchChars = 200;
inline constexpr size_t kMaxSearchWords = 10;

// ---- header fields ---------------------------------------------------------
// RFC 5322 2.1.1: a header line holds at most 998 octets (plus CRLF); we
// fold at 78 where the text allows it.
inline constexpr size_t kMaxHeaderLineOctets = 998;
inline constexpr size_t kFoldHeaderAt = 78;
// A Message-ID we copy into In-Reply-To/References. Real mailers make ids of
// well under 100 octets; a longer or malformed one is dropped (the reply
// only loses its threading) rather than copied.
inline constexpr size_t kMaxMessageIdOctets = 250;
// An e-mail address (RFC 5321 4.5.3.1: a path is at most 256 octets with
// its angle brackets).
inline constexpr size_t kMaxAddressOctets = 254;
// The display name of outbox.from.
inline constexpr size_t kMaxDisplayNameChars = 100;

// ---- files the operator names
// ------------------------------------------------ Read whole into memory, so
// each has a ceiling far above any real file: /dev/zero or a wrong path must
// give an error, not exhaust memory.
inline constexpr size_t kMaxConfigFileBytes = size_t{1} << 20;    // 1 MiB
inline constexpr size_t kMaxRulesFileBytes = size_t{1} << 20;     // 1 MiB
inline constexpr size_t kMaxTemplateFileBytes = size_t{1} << 20;  // 1 MiB
inline constexpr size_t kMaxKeyFileBytes = size_t{4} << 20;       // 4 MiB
inline constexpr size_t kMaxCaFileBytes = size_t{4} << 20;        // 4 MiB
inline constexpr size_t kMaxSecretFileBytes = size_t{64} << 10;   // 64 KiB
// A bank statement (camt.053 or CSV): a year of a busy account is a few MB.
// It is not held whole but read as a stream, twice (checked, then
// imported), so memory does not grow with its length; what still would is
// bounded below (docs/money.md, "Money in").
inline constexpr size_t kMaxStatementFileBytes = size_t{32} << 20;  // 32 MiB
// Its lines: CSV records, camt.053 entries and the transactions a batch
// entry lists. A year of a busy account is tens of thousands.
inline constexpr size_t kMaxStatementLines = 1'000'000;
// Lines that name a payment reference (CT-XXXXXXXX-ROLE) or a payout
// (CT-PAYOUT-N): each is looked up in the database, and the first pass
// remembers a few bytes of each that carries no bank reference.
inline constexpr size_t kMaxStatementReferenceLines = 100'000;
// One CSV record, held while it is read (a bank's line is a few hundred).
inline constexpr size_t kMaxStatementRecordBytes = size_t{64} << 10;
// One camt.053 entry (Ntry) with all its transactions, held as a tree of
// about ten times its size while it is read: room for a batch of a
// thousand transfers. Also the most any other text or tag of the file may
// take, as the reader holds it whole.
inline constexpr size_t kMaxStatementEntryBytes = size_t{1} << 20;  // 1 MiB

// Checks one free text: valid UTF-8, no control characters (C0 including
// tab, CR and LF; DEL; C1), no text direction controls (U+202A..U+202E,
// U+2066..U+2069: they make a reader see the text in another order), at
// most `max_chars` characters. kInvalidInput naming `field` and the limit,
// e.g. "item: at most 200 characters (this one has 1000)". Nothing is ever
// trimmed or replaced silently.
Result<void> CheckFreeText(std::string_view field, std::string_view text,
                           size_t max_chars);

// Outside text quoted back in an error message or a refusal: at most
// `max_chars` characters ("…" marks a cut), control characters and text
// direction controls shown as '?', so that a 100 KB field is never echoed
// whole.
std::string Excerpt(std::string_view text, size_t max_chars = 40);

// Number of code points of valid UTF-8 `text`.
size_t CountChars(std::string_view text);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_LIMITS_H_
