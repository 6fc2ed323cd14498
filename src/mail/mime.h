// Raw-byte MIME reading for verification. We never re-serialise a message:
// signatures are checked over the exact bytes the sender's client produced,
// so this parser only slices the raw text (string_views into the caller's
// buffer) and decodes transfer encodings and charsets on request. Pure: no
// I/O, no GnuPG.
#ifndef CYBERTROC_MAIL_MIME_H_
#define CYBERTROC_MAIL_MIME_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/error.h"

namespace ct::mail {

// The address of a From/To header value, lower case ("" unless it holds
// exactly one usable mailbox): core/address.h.
using core::AddressOf;

struct ContentType {
  std::string type = "text";  // lower case
  std::string subtype = "plain";
  std::map<std::string, std::string> params;  // names lower case

  bool Is(std::string_view t, std::string_view s) const {
    return type == t && subtype == s;
  }
  std::string Param(const std::string& name) const;
};

// One MIME entity: a view into raw bytes that must outlive it.
struct Entity {
  std::string_view whole;  // headers + blank line + body, exact bytes
  std::string_view body;   // after the blank line
  std::vector<std::pair<std::string, std::string>> headers;  // unfolded
  ContentType type;

  // First header of that name (case-insensitive), "" when absent.
  std::string Header(std::string_view name) const;
  std::vector<std::string> Headers(std::string_view name) const;
};

// Parses headers and content type. Never fails on odd input: what cannot
// be read is left out (an unreadable Content-Type means text/plain, as RFC
// 2045 says), so that every message gets an outcome.
Entity ParseEntity(std::string_view raw);

// The parts of a multipart entity, exact bytes each (preamble and epilogue
// dropped). kInvalidInput when there is no boundary or no closing one.
Result<std::vector<std::string_view>> SplitMultipart(const Entity& entity);

// Body with its Content-Transfer-Encoding undone (7bit, 8bit, binary,
// quoted-printable, base64). Bad base64 is kInvalidInput.
Result<std::string> DecodeBody(const Entity& entity);

// Converts text in `charset` (utf-8, us-ascii, iso-8859-1, iso-8859-15,
// windows-1252) to UTF-8; invalid UTF-8 or another charset is kInvalidInput.
Result<std::string> ToUtf8(std::string_view bytes, std::string_view charset);

// Undoes format=flowed (RFC 3676) soft line breaks and space-stuffing.
std::string Unflow(std::string_view text, bool delsp);

// The same text with every line ending CRLF (RFC 3156 canonical form).
std::string ToCrlf(std::string_view text);

// The decoded, UTF-8, unflowed text of a text/plain entity.
Result<std::string> PlainText(const Entity& entity);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_MIME_H_
