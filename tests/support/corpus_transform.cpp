#include "corpus_transform.h"

#include <gtest/gtest.h>

#include <sstream>

#include "corpus_sign.h"
#include "corpus_toml.h"
#include "corpus_util.h"

namespace corpus {

namespace {

// Blanks added at the end of every line of a clear-signed text (a client
// or relay padding lines); gpg ignores them.
std::string PadSignedLines(const std::string& raw, const std::string& blanks,
                           const Fields& f) {
  Message m = Message::Split(raw);
  const size_t text = m.body.find("\n\n");
  const size_t end = m.body.find("-----BEGIN PGP SIGNATURE-----");
  if (!m.body.starts_with("-----BEGIN PGP SIGNED MESSAGE-----") ||
      text == std::string::npos || end == std::string::npos || end < text) {
    f.Fail("pad_signed_lines: the body is no clear-signed text");
    return raw;
  }
  const size_t start = text + 2;
  std::string padded;
  std::istringstream lines(m.body.substr(start, end - start));
  for (std::string line; std::getline(lines, line);)
    padded += line + blanks + "\n";
  m.body = m.body.substr(0, start) + padded + m.body.substr(end);
  return m.Join();
}

// `entity`'s body from transfer encoding `from` to `to`, as a relay
// re-encodes it; the header says `to`.
Message Reencode(Message entity, const std::string& from, const std::string& to,
                 const Fields& f) {
  EXPECT_EQ(Lower(entity.Header("Content-Transfer-Encoding")), from)
      << "the entity to re-encode is not " << from << ":\n"
      << entity.head;
  std::string data = entity.body;
  if (from == "quoted-printable") {
    data = DecodeQuotedPrintable(data);
  } else if (from != "8bit" && from != "7bit") {
    f.Fail("reencode: cannot decode '" + from + "'");
  }
  if (to == "base64") {
    entity.body = Base64(data);
  } else if (to == "quoted-printable") {
    entity.body = QuotedPrintable(data);
  } else {
    f.Fail("reencode: cannot encode to '" + to + "'");
  }
  entity.SetHeader("Content-Transfer-Encoding", to);
  return entity;
}

std::string ReencodeFirstPart(const std::string& raw, const std::string& from,
                              const std::string& to, const Fields& f) {
  auto [begin, end] = FirstPart(raw);
  if (end <= begin) {
    f.Fail("reencode: the message is not multipart");
    return raw;
  }
  const std::string part = raw.substr(begin, end - begin);
  std::string joined = Reencode(Message::Split(part), from, to, f).Join();
  // The line break before the next delimiter stays as it was.
  if (!part.ends_with("\n") && joined.ends_with("\n")) joined.pop_back();
  return raw.substr(0, begin) + joined + raw.substr(end);
}

}  // namespace

std::string Transform(
    const std::string& raw, const toml::table& t,
    const std::function<std::string(const std::string&)>& expand,
    const std::string& tag, const std::string& where, std::string& error) {
  const Fields f(t, where, error, {"do", "from", "to", "with", "where", "was"});
  const std::string what = f.Required("do");
  if (what == "refresh") return Refresh(raw, tag);
  if (what == "crlf") return ToCrlf(raw);
  if (what == "replace") {
    const std::string from = expand(f.Required("from"));
    if (!Contains(raw, from)) f.Fail("replace: '" + from + "' is not there");
    return ReplaceAll(raw, from, expand(f.Required("to")));
  }
  if (what == "pad_signed_lines")
    return PadSignedLines(raw, f.Required("with"), f);
  if (what == "reencode") {
    const std::string place = f.Required("where");
    const std::string from = f.Required("was"), to = f.Required("to");
    if (place == "first_part") return ReencodeFirstPart(raw, from, to, f);
    if (place == "body")
      return Reencode(Message::Split(raw), from, to, f).Join();
    f.Fail("reencode: where must be body or first_part");
    return raw;
  }
  f.Fail("unknown transform '" + what + "'");
  return raw;
}

}  // namespace corpus
