// MIME for the inbound-mail corpus: a message as header block and body,
// the encodings a relay may apply on the way (base64, quoted-printable),
// and the PGP/MIME entities of RFC 3156 (multipart/signed and
// multipart/encrypted) around what gpg made. Test code only, independent
// of the product's MIME reader.
#ifndef CYBERTROC_TESTS_SUPPORT_CORPUS_MIME_H_
#define CYBERTROC_TESTS_SUPPORT_CORPUS_MIME_H_

#include <string>
#include <utility>

namespace corpus {

// A message as header block and body (split at the first empty line; the
// header block keeps its final line break, the body starts after the
// empty line).
struct Message {
  std::string head;
  std::string body;

  static Message Split(const std::string& raw);
  std::string Join() const { return head + "\n" + body; }

  // Value of the first header `name` (unfolded), "" if none.
  std::string Header(const std::string& name) const;

  // Replaces header `name` (with its continuation lines) by `name: value`,
  // or appends it when absent.
  void SetHeader(const std::string& name, const std::string& value);
};

// Base64 in lines of `line` characters, each ending with LF.
std::string Base64(const std::string& data, size_t line = 76);

// Quoted-printable as a relay writes it (RFC 2045 6.7): lines of at most
// 76 characters with soft breaks, '=' and non-ASCII escaped, trailing
// blanks escaped. Input lines end with LF.
std::string QuotedPrintable(const std::string& text);

std::string DecodeQuotedPrintable(const std::string& in);

// The boundary parameter of a Content-Type value.
std::string BoundaryOf(const std::string& content_type);

// The first part of a multipart message: [begin, end) of its bytes
// ({0, 0} when there is none).
std::pair<size_t, size_t> FirstPart(const std::string& raw);

// A multipart/signed entity (RFC 3156 section 5): Content-Type header and
// body, `part` then the detached `signature` (ASCII armor), LF lines.
std::string MultipartSigned(const std::string& part,
                            const std::string& signature,
                            const std::string& boundary);

// A multipart/encrypted entity (RFC 3156 section 4): Content-Type header
// and body carrying `armored` (an ASCII-armored OpenPGP message), LF lines.
std::string MultipartEncrypted(const std::string& armored,
                               const std::string& boundary);

}  // namespace corpus

#endif  // CYBERTROC_TESTS_SUPPORT_CORPUS_MIME_H_
