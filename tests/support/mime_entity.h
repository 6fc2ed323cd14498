// Taking apart the mail a party received, as its client would: header
// fields, multipart bodies, base64 and quoted-printable, RFC 2047 encoded
// words. Test code only, independent of the product's MIME reader.
#ifndef CYBERTROC_TESTS_SUPPORT_MIME_ENTITY_H_
#define CYBERTROC_TESTS_SUPPORT_MIME_ENTITY_H_

#include <string>
#include <utility>
#include <vector>

namespace cttest {

// One MIME entity: its header fields (unfolded, in order) and its raw body.
struct Entity {
  std::vector<std::pair<std::string, std::string>> fields;  // name, value
  std::string body;

  // Every value of the field `name` (any case), in order.
  std::vector<std::string> All(const std::string& name) const;
  // The first value of the field `name`, "" if none.
  std::string Get(const std::string& name) const;
};

// `text` has CRLF line ends.
Entity ParseEntity(const std::string& text);

// A parameter of a structured header value (boundary="...", protocol=...).
std::string Param(const std::string& value, const std::string& name);

// The raw body parts of a multipart entity (RFC 2046: the CRLF before a
// delimiter belongs to the delimiter).
std::vector<std::string> Parts(const Entity& e);

std::string Base64Decode(const std::string& in);

// `header`: the Q encoding of RFC 2047, where '_' is a space.
std::string QuotedPrintableDecode(const std::string& in, bool header = false);

// RFC 2047: encoded words decoded, blanks between two of them dropped.
std::string DecodeHeader(const std::string& value);

// CRLF -> LF.
std::string ToLf(std::string text);

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_MIME_ENTITY_H_
