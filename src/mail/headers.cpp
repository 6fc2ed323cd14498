// Header encoding is written here rather than left to vmime::text and
// vmime::mailbox because vmime 0.9.2 gets it wrong in ways that matter, as
// compose_test (HeadersAreOursBecauseVmimeChangesTheText) shows on ordinary
// French text: it folds after the blank before an encoded-word, so that the
// unfolded subject gains a space; it drops the space between an encoded-word
// and the next word of a display name; it writes lines past 78 columns; and
// it encodes even a plain ASCII display name ("Cybertroc S.A."). What is here
// is small and pinned by tests. Which words need encoding is vmime's rule
// (NeedsEncoding).
#include "mail/headers.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vmime/charset.hpp>
#include <vmime/generationContext.hpp>
#include <vmime/wordEncoder.hpp>

#include "core/limits.h"

namespace ct::mail {

std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s)
    out += static_cast<unsigned char>(c) < 0x20 || c == 0x7F ? ' ' : c;
  return out;
}

namespace {

bool IsAscii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

bool IsAsciiAtext(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c < 0x80 &&
         (std::isalnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(ch) !=
                                 std::string_view::npos);
}

std::vector<std::string> SplitOnSpaces(std::string_view s) {
  std::vector<std::string> units;
  for (size_t start = 0;;) {
    const size_t space = s.find(' ', start);
    units.emplace_back(s.substr(start, space - start));
    if (space == std::string_view::npos) return units;
    start = space + 1;
  }
}

// One encoded-word per chunk of whole UTF-8 characters (RFC 2047 5: no
// character split across words): at most 45 octets, 60 in base64, 72 with
// the "=?UTF-8?B?" and "?=" around them.
std::vector<std::string> EncodedWords(std::string_view s) {
  std::vector<std::string> words;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = start;
    while (end < s.size() && end - start < 42) {
      const auto c = static_cast<unsigned char>(s[end]);
      end += c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    }
    end = std::min(end, s.size());
    words.push_back("=?UTF-8?B?" + Base64(s.substr(start, end - start)) + "?=");
    start = end;
  }
  return words;
}

// A word a reader would not show as it is: vmime's own rule
// (wordEncoder::isEncodingNeeded: non-ASCII, CR or LF, or "=?" / "?=").
// Text that reads as an encoded-word ("=?utf-8?q?Nice=0D=0ABcc:…?=" typed
// in an item) would be decoded by every mail reader into what the free-text
// rules forbid; encoded by us, it is shown exactly as typed.
bool NeedsEncoding(const std::string& word) {
  return vmime::wordEncoder::isEncodingNeeded(
      vmime::generationContext::getDefaultContext(), word,
      vmime::charset(vmime::charsets::UTF_8), "");
}

// The units of an unstructured value: its words while each is plain ASCII
// that fits a line and needs no encoding; from the first that does not,
// encoded-words to the end. The blank before the first encoded-word
// survives decoding; those after it are encoded with the text (RFC 2047
// 6.2 drops the blanks between two encoded-words).
std::vector<std::string> UnstructuredUnits(std::string_view text) {
  const std::string clean = OneLine(text);
  std::vector<std::string> words = SplitOnSpaces(clean);
  size_t plain = 0;
  size_t offset = 0;  // of words[plain] in `clean`
  for (; plain < words.size(); ++plain) {
    const std::string& w = words[plain];
    if (w.size() > core::kFoldHeaderAt - 2 || NeedsEncoding(w)) break;
    offset += w.size() + 1;
  }
  if (plain == words.size()) return words;
  words.resize(plain);
  for (auto& word : EncodedWords(std::string_view(clean).substr(offset)))
    words.push_back(std::move(word));
  return words;
}

// The display name as a phrase: atoms, else a quoted string when it is
// printable ASCII and fits a line, else encoded-words; always encoded-words
// when a word of it needs them (NeedsEncoding: some readers decode an
// encoded-word even inside quotes).
std::vector<std::string> PhraseUnits(std::string_view raw) {
  const std::string name = OneLine(raw);
  std::vector<std::string> atoms = SplitOnSpaces(name);
  if (!IsAscii(name) || std::ranges::any_of(atoms, NeedsEncoding))
    return EncodedWords(name);
  bool all_atoms = true;
  for (const auto& a : atoms) {
    all_atoms = all_atoms && !a.empty();
    for (char c : a) all_atoms = all_atoms && IsAsciiAtext(c);
  }
  if (all_atoms) return atoms;
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  if (quoted.size() <= core::kFoldHeaderAt - 2) return {quoted};
  return EncodedWords(name);
}

// The units joined by spaces, folding before a unit that would pass column
// 78; `column` is where the first space goes. An empty unit (two spaces in a
// row) never starts a line: a line of blanks only is not allowed.
std::string Join(const std::vector<std::string>& units, size_t column) {
  std::string out;
  bool first = true;
  for (const auto& unit : units) {
    if (!first && !unit.empty() &&
        column + 1 + unit.size() > core::kFoldHeaderAt) {
      out += "\r\n";
      column = 0;
    }
    out += ' ';
    out += unit;
    column += 1 + unit.size();
    first = false;
  }
  return out;
}

bool IsDotAtomText(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!IsAsciiAtext(s[i])) {
      return false;
    }
  }
  return true;
}

bool IsNoFoldLiteral(std::string_view s) {
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') return false;
  for (char c : s.substr(1, s.size() - 2))
    if (c < 0x21 || c > 0x7E || c == '[' || c == ']' || c == '\\') return false;
  return true;
}

}  // namespace

std::string FoldedField(std::string_view name,
                        const std::vector<std::string>& units) {
  return std::string(name) + ":" + Join(units, name.size() + 1) + "\r\n";
}

std::string UnstructuredField(std::string_view name, std::string_view text) {
  return FoldedField(name, UnstructuredUnits(text));
}

std::string MailboxField(std::string_view name, const core::Mailbox& mailbox) {
  std::vector<std::string> units;
  if (!mailbox.display_name.empty()) units = PhraseUnits(mailbox.display_name);
  units.push_back(units.empty() ? mailbox.address
                                : "<" + mailbox.address + ">");
  return FoldedField(name, units);
}

std::string Base64(std::string_view in) {
  static const char kB64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(in[i])) << 16;
    if (i + 1 < in.size()) n |= uint32_t(uint8_t(in[i + 1])) << 8;
    if (i + 2 < in.size()) n |= uint8_t(in[i + 2]);
    out += kB64[(n >> 18) & 63];
    out += kB64[(n >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kB64[n & 63] : '=';
  }
  return out;
}

bool IsUsableMessageId(std::string_view id) {
  while (!id.empty() && (id.front() == ' ' || id.front() == '\t'))
    id.remove_prefix(1);
  while (!id.empty() && (id.back() == ' ' || id.back() == '\t'))
    id.remove_suffix(1);
  if (id.size() < 5 || id.size() > core::kMaxMessageIdOctets ||
      id.front() != '<' || id.back() != '>')
    return false;
  const std::string_view inner = id.substr(1, id.size() - 2);
  const size_t at = inner.find('@');
  if (at == std::string_view::npos) return false;
  const std::string_view right = inner.substr(at + 1);
  return IsDotAtomText(inner.substr(0, at)) &&
         (IsDotAtomText(right) || IsNoFoldLiteral(right));
}

std::string EncodeHeaderValue(std::string_view value) {
  const std::string joined = Join(UnstructuredUnits(value), 0);
  return joined.empty() ? joined : joined.substr(1);
}

}  // namespace ct::mail
