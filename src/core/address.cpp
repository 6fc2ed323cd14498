#include "core/address.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>

#include "core/limits.h"
#include "util/text.h"

namespace ct::core {
namespace {

// RFC 5322 3.2.3 atext; bytes of UTF-8 sequences count as atext too (RFC
// 6532), so that raw UTF-8 display names are read.
bool IsAtext(unsigned char c) {
  if (c >= 0x80 || std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

// RFC 5322 3.2.3 dot-atom-text: atext runs joined by single dots.
bool IsDotAtomText(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.' ? s[i + 1] == '.'
                    : !IsAtext(static_cast<unsigned char>(s[i])))
      return false;
  }
  return true;
}

// `address` without the "+tag" of its local part (RFC 5233 subaddress):
// mail servers commonly deliver bob+tag@x to bob@x's mailbox.
std::string BaseMailbox(std::string_view address) {
  const size_t at = address.rfind('@');
  const size_t plus = address.find('+');
  if (at == std::string_view::npos || plus == std::string_view::npos ||
      plus > at)
    return std::string(address);
  return std::string(address.substr(0, plus)) + std::string(address.substr(at));
}

// `address` reaches the mailbox `ours`: the same once subaddresses are set
// aside on both sides.
bool SameMailbox(std::string_view address, std::string_view ours) {
  return !ours.empty() && BaseMailbox(address) == BaseMailbox(ours);
}

struct Token {
  enum Kind { kAtom, kQuoted, kSpecial, kLiteral } kind;
  std::string text;  // atom; quoted content unescaped; the special; [literal]
  bool space_before = false;  // white space or a comment came before it
};

std::unexpected<Error> Bad(std::string why) {
  return Fail(ErrorKind::kInvalidInput, std::move(why));
}

// Skips a comment starting at value[i] == '(' (nested, with quoted-pairs).
Result<size_t> SkipComment(std::string_view value, size_t i) {
  int depth = 0;
  for (; i < value.size(); ++i) {
    if (value[i] == '\\') {
      ++i;
    } else if (value[i] == '(') {
      ++depth;
    } else if (value[i] == ')' && --depth == 0) {
      return i + 1;
    }
  }
  return Bad("unclosed comment '('");
}

// Reads "…" or […] starting at value[i]; `token.text` gets the content of a
// quoted string (escapes undone) or the whole literal.
Result<size_t> ReadDelimited(std::string_view value, size_t i, Token& token) {
  const char close = value[i] == '"' ? '"' : ']';
  const bool quoted = close == '"';
  if (!quoted) token.text = "[";
  for (++i; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && i + 1 < value.size())
      c = value[++i];
    else if (c == close) {
      if (!quoted) token.text += ']';
      return i + 1;
    }
    token.text += c;
  }
  return Bad(quoted ? "unclosed quoted string" : "unclosed '['");
}

Result<std::vector<Token>> Tokenize(std::string_view value) {
  std::vector<Token> tokens;
  bool space = false;
  for (size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      ++i;
      continue;
    }
    if (c == '(') {
      auto next = SkipComment(value, i);
      CT_TRY(next);
      space = true;
      i = *next;
      continue;
    }
    Token token{Token::kSpecial, "", space};
    space = false;
    if (c == '"' || c == '[') {
      token.kind = c == '"' ? Token::kQuoted : Token::kLiteral;
      auto next = ReadDelimited(value, i, token);
      CT_TRY(next);
      i = *next;
    } else if (IsAtext(c)) {
      token.kind = Token::kAtom;
      while (i < value.size() && IsAtext(static_cast<unsigned char>(value[i])))
        token.text += value[i++];
    } else if (c >= 0x21 && c <= 0x7E) {
      token.text = std::string(1, static_cast<char>(c));
      ++i;
    } else {
      return Bad("control character in the address");
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<AddressList> List() {
    AddressList out;
    while (!AtEnd()) {
      if (Special(',')) {  // empty list elements (RFC 5322 obs-addr-list)
        ++pos_;
        continue;
      }
      CT_TRY(Address(out, false));
      if (!AtEnd() && !Special(','))
        return Bad(fmt::format("unexpected '{}' after an address",
                               tokens_[pos_].text));
    }
    return out;
  }

  // One addr-spec and nothing else (comments aside).
  Result<std::string> Alone() {
    if (AtEnd()) return Bad("no address");
    for (const Token& t : tokens_)
      if (t.kind == Token::kSpecial && (t.text == "<" || t.text == ">"))
        return Bad("write the address alone, without a name or angle brackets");
    auto address = AddrSpec();
    CT_TRY(address);
    if (!AtEnd())
      return Bad(fmt::format("unexpected '{}' after the address",
                             Excerpt(tokens_[pos_].text)));
    return address;
  }

 private:
  bool AtEnd() const { return pos_ >= tokens_.size(); }
  bool Special(char c) const {
    return !AtEnd() && tokens_[pos_].kind == Token::kSpecial &&
           tokens_[pos_].text[0] == c;
  }
  bool Word() const {
    return !AtEnd() && (tokens_[pos_].kind == Token::kAtom ||
                        tokens_[pos_].kind == Token::kQuoted);
  }

  // A phrase (atoms, quoted strings, dots) as a display name.
  std::string Phrase() {
    std::string name;
    while (Word() || Special('.')) {
      const Token& t = tokens_[pos_++];
      if (t.space_before && !name.empty()) name += ' ';
      name += t.text;
    }
    return name;
  }

  Result<void> Address(AddressList& out, bool in_group) {
    const size_t start = pos_;
    const std::string phrase = Phrase();
    if (Special(':')) return Group(out, phrase, in_group);
    if (Special('<')) {
      ++pos_;
      if (Special('@')) return Bad("source routes ('<@…:') are not supported");
      auto address = AddrSpec();
      CT_TRY(address);
      if (!Special('>')) return Bad("unclosed '<' (no '>')");
      ++pos_;
      out.mailboxes.push_back({phrase, *address});
      return {};
    }
    if (Special('@')) {
      pos_ = start;
      auto address = AddrSpec();
      CT_TRY(address);
      out.mailboxes.push_back({"", *address});
      return {};
    }
    if (phrase.empty())
      return Bad(AtEnd() ? "no address"
                         : fmt::format("unexpected '{}'", tokens_[pos_].text));
    return Bad(fmt::format("no address in '{}'", phrase));
  }

  Result<void> Group(AddressList& out, const std::string& name, bool in_group) {
    if (in_group) return Bad("a group inside a group");
    if (name.empty()) return Bad("a group without a name");
    ++pos_;  // ':'
    ++out.groups;
    while (!AtEnd()) {
      if (Special(';')) {
        ++pos_;
        return {};
      }
      if (Special(',')) {
        ++pos_;
        continue;
      }
      CT_TRY(Address(out, true));
      if (!Special(',') && !Special(';'))
        return Bad(fmt::format("group '{}' without its closing ';'", name));
    }
    return Bad(fmt::format("group '{}' without its closing ';'", name));
  }

  // word *("." word). Quoted words are unquoted when the whole local part
  // then reads as a dot-atom: "escrow"@example.test is escrow@example.test
  // (RFC 5321 4.1.2 compares local parts, not their spelling). A local part
  // that needs its quotes is refused.
  Result<std::string> LocalPart() {
    std::string local;
    bool quoted = false;
    for (;;) {
      if (!Word()) return Bad("misplaced '.' or missing local part");
      const Token& t = tokens_[pos_++];
      if (t.kind == Token::kQuoted) {
        if (t.text.empty()) return Bad("an empty quoted local part");
        quoted = true;
      }
      local += t.text;
      if (!Special('.')) break;
      ++pos_;
      local += '.';
    }
    if (quoted && !IsDotAtomText(local))
      return Bad(fmt::format("a quoted local part is not supported (\"{}\")",
                             Excerpt(local)));
    return local;
  }

  Result<std::string> Domain() {
    if (!AtEnd() && tokens_[pos_].kind == Token::kLiteral)
      return Bad(fmt::format("address literals ('{}') are not supported",
                             Excerpt(tokens_[pos_].text)));
    std::string domain;
    for (;;) {
      if (AtEnd() || tokens_[pos_].kind != Token::kAtom)
        return Bad("missing or malformed domain after '@'");
      domain += tokens_[pos_++].text;
      if (!Special('.')) return domain;
      ++pos_;
      // A final dot makes the name absolute (RFC 1034 3.1): the same host,
      // so the same mailbox, spelt differently. It is dropped.
      if (AtEnd() || Special('>') || Special(',') || Special(';'))
        return domain;
      domain += '.';
    }
  }

  Result<std::string> AddrSpec() {
    auto local = LocalPart();
    CT_TRY(local);
    if (!Special('@'))
      return Bad(fmt::format("no '@' after '{}'", Excerpt(*local)));
    ++pos_;
    auto domain = Domain();
    CT_TRY(domain);
    const std::string address = *local + "@" + *domain;
    if (local->size() > 64 || address.size() > kMaxAddressOctets)
      return Bad(
          fmt::format("an address longer than {} octets (local part "
                      "64)",
                      kMaxAddressOctets));
    return util::AsciiLower(address);
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<AddressList> ParseAddressList(std::string_view value) {
  auto tokens = Tokenize(value);
  CT_TRY(tokens);
  return Parser(std::move(*tokens)).List();
}

Result<Mailbox> ParseMailbox(std::string_view value) {
  auto list = ParseAddressList(value);
  CT_TRY(list);
  if (list->groups > 0) return Bad("a group ('name: …;') is not one address");
  if (list->mailboxes.empty()) return Bad("no address");
  if (list->mailboxes.size() > 1)
    return Bad(
        fmt::format("{} addresses, expected one", list->mailboxes.size()));
  return list->mailboxes.front();
}

std::string AddressOf(std::string_view value) {
  auto mailbox = ParseMailbox(value);
  return mailbox ? mailbox->address : std::string();
}

Result<std::string> NormalizeAddress(std::string_view text) {
  auto tokens = Tokenize(text);
  CT_TRY(tokens);
  return Parser(std::move(*tokens)).Alone();
}

Owner OwnerOf(std::string_view address, const OwnAddresses& own) {
  if (SameMailbox(address, own.escrow)) return Owner::kEscrow;
  if (SameMailbox(address, own.operator_address)) return Owner::kOperator;
  return Owner::kNone;
}

Result<std::string> OutsideAddress(std::string_view text,
                                   const AddressField& field,
                                   const OwnAddresses& own) {
  auto address = NormalizeAddress(text);
  if (!address)
    return Bad(fmt::format("{}: '{}' is not an e-mail address: {}", field.name,
                           Excerpt(text, 60), address.error().message));
  const Owner owner = OwnerOf(*address, own);
  if (owner == Owner::kNone) return address;
  const bool escrow = owner == Owner::kEscrow;
  return Bad(fmt::format("{}: {} is the {} address{} and cannot be {}",
                         field.name, *address,
                         escrow ? "escrow's own" : "operator's",
                         !field.for_operator ? ""
                         : escrow            ? " (outbox.from)"
                                             : " (outbox.operator)",
                         field.role));
}

}  // namespace ct::core
