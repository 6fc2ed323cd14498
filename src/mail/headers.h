// The header fields of our outgoing mail. Every line stays within RFC 5322's
// 998 octets and is folded at 78 columns wherever the text allows it; text
// from outside (an item, a party's Message-ID) can neither start a new field
// nor make a line too long. Pure: no I/O.
#ifndef CYBERTROC_MAIL_HEADERS_H_
#define CYBERTROC_MAIL_HEADERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"

namespace ct::mail {

// `s` with every control character (C0, CR and LF included, and DEL) turned
// into a space: text from outside that can no longer end a header line.
std::string OneLine(std::string_view s);

// "Name: unit unit\r\n unit\r\n": the units joined by single spaces, with a
// fold before a unit that would pass column 78. REQUIRES: units without
// CR/LF, each at most core::kMaxHeaderLineOctets - 1 octets.
std::string FoldedField(std::string_view name,
                        const std::vector<std::string>& units);

// An unstructured field (Subject): control characters become spaces; plain
// ASCII folds at its spaces; from the first word that is not ASCII, is too
// long for one line, or could be read as an encoded-word ("=?" or "?="),
// the rest becomes RFC 2047 encoded-words of at most 75 characters each, so
// that a reader shows exactly the text we were given.
std::string UnstructuredField(std::string_view name, std::string_view text);

// "From: Name <local@domain>" with only the display name encoded (RFC 2047
// 5(3)): atoms as they are, other ASCII as a quoted string, anything else as
// encoded-words; the address always stays plain.
std::string MailboxField(std::string_view name, const core::Mailbox& mailbox);

// An RFC 5322 3.6.4 msg-id ("<left@right>", blanks around it allowed), at
// most core::kMaxMessageIdOctets long: what we may copy into In-Reply-To and
// References.
bool IsUsableMessageId(std::string_view id);

// Base64 (RFC 4648) of `in`, one line, with padding.
std::string Base64(std::string_view in);

// The value of an unstructured field as UnstructuredField writes it (folds
// included), without the name.
std::string EncodeHeaderValue(std::string_view value);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_HEADERS_H_
