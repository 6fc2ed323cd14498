#include "core/grammar.h"

#include <fmt/format.h>

#include <cctype>
#include <map>
#include <vector>

#include "core/crockford.h"
#include "core/limits.h"
#include "core/words.h"
#include "util/text.h"

namespace ct::core {
namespace {

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// Folds what phones and some clients produce into plain ASCII: a BOM or
// zero-width characters vanish, fullwidth forms (U+FF01..FF5E) and the
// ideographic space become their ASCII twins, no-break spaces become spaces.
std::string FoldToAscii(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    unsigned char c = in[i];
    if (c == 0xEF && i + 2 < in.size()) {
      unsigned char c1 = in[i + 1], c2 = in[i + 2];
      if (c1 == 0xBB && c2 == 0xBF) {
        i += 3;
        continue;
      }  // BOM
      unsigned cp = ((c & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (c2 & 0x3F);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        out += static_cast<char>(cp - 0xFF01 + 0x21);
        i += 3;
        continue;
      }
    }
    if (c == 0xE2 && i + 2 < in.size() &&
        static_cast<unsigned char>(in[i + 1]) == 0x80) {
      unsigned char c2 = in[i + 2];
      if (c2 >= 0x8B && c2 <= 0x8D) {
        i += 3;
        continue;
      }  // zero-width
    }
    if (c == 0xE3 && i + 2 < in.size() &&
        static_cast<unsigned char>(in[i + 1]) == 0x80 &&
        static_cast<unsigned char>(in[i + 2]) == 0x80) {
      out += ' ';  // ideographic space
      i += 3;
      continue;
    }
    if (c == 0xC2 && i + 1 < in.size() &&
        static_cast<unsigned char>(in[i + 1]) == 0xA0) {
      out += ' ';
      i += 2;
      continue;
    }
    out += static_cast<char>(c);
    ++i;
  }
  return out;
}

// The lines that may hold commands: no quotes, nothing after "-- ".
// GnuPG returns clear-signed text with trailing blanks removed (they are
// not signed, RFC 4880 7.1), so there the separator arrives as "--".
std::vector<std::string_view> LiveLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? "" : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "-- " || line == "--") break;
    std::string_view t = TrimView(line);
    if (!t.empty() && t.front() == '>') continue;
    lines.push_back(t);
  }
  return lines;
}

bool IsCodeWord(std::string_view w) {
  if (w.empty() || w.size() > 3) return false;
  for (char c : w)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// Text after the first `skip` words of `line`.
std::string Rest(std::string_view line, size_t skip) {
  size_t i = 0;
  for (size_t w = 0; w < skip; ++w) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i])))
      ++i;
    while (i < line.size() &&
           !std::isspace(static_cast<unsigned char>(line[i])))
      ++i;
  }
  return std::string(TrimView(line.substr(std::min(i, line.size()))));
}

// An amount as the party wrote it; a word too long to be one is refused
// without being echoed whole.
Result<Money> ReadAmount(std::string_view text, std::string_view currency) {
  constexpr size_t kLongestAmount = 32;
  if (CountChars(text) > kLongestAmount)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("bad amount '{}': too long",
                            Excerpt(text, kLongestAmount)));
  return ParseMoney(text, currency);
}

Result<void> ReadArguments(std::string_view line,
                           const std::vector<std::string_view>& w,
                           std::string_view currency, Command& cmd) {
  auto bad = [&](const std::string& why) {
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("{} (code {:02})", why, cmd.code));
  };
  switch (cmd.code) {
    case code::kDeposit: {
      if (w.size() < 4 || w.size() > 5)
        return bad("expected 21 ROLE AMOUNT [ref=TEXT]");
      cmd.deposit_role = util::AsciiLower(w[2]);
      auto amount = ReadAmount(w[3], currency);
      if (!amount) return bad(amount.error().message);
      cmd.amount = *amount;
      if (w.size() == 5) {
        if (util::AsciiLower(w[4].substr(0, 4)) != "ref=")
          return bad("expected ref=TEXT");
        cmd.reference = std::string(w[4].substr(4));
        if (auto ok = CheckFreeText("ref", cmd.reference, kMaxReferenceChars);
            !ok)
          return bad(ok.error().message);
      }
      return {};
    }
    case code::kPropose:
      if (w.size() < 3) return bad("expected 90 ROLE=AMOUNT ROLE=AMOUNT");
      for (size_t i = 2; i < w.size(); ++i) {
        size_t eq = w[i].find('=');
        if (eq == std::string_view::npos || eq == 0)
          return bad(
              fmt::format("expected ROLE=AMOUNT, got '{}'", Excerpt(w[i])));
        std::string role = util::AsciiLower(w[i].substr(0, eq));
        auto amount = ReadAmount(w[i].substr(eq + 1), currency);
        if (!amount) return bad(amount.error().message);
        if (cmd.split.contains(role))
          return bad(fmt::format("{} named twice", Excerpt(role)));
        cmd.split[role] = *amount;
      }
      return {};
    case code::kRate: {
      // "+", "-" (or the typographic minus) or "0", then a comment.
      static const std::map<std::string_view, int> kScores = {
          {"+", 1}, {"-", -1}, {"\u2212", -1}, {"0", 0}};
      auto score = w.size() >= 3 ? kScores.find(w[2]) : kScores.end();
      if (score == kScores.end()) return bad("expected 70 + or 70 - or 70 0");
      cmd.score = score->second;
      cmd.text = Rest(line, 3);
      if (auto ok = CheckFreeText("comment", cmd.text, kMaxCommandTextChars);
          !ok)
        return bad(ok.error().message);
      return {};
    }
    case code::kExtend:
      if (w.size() != 3 || !IsCodeWord(w[2]))
        return bad("expected 92 N (a number of days)");
      cmd.days = std::stoi(std::string(w[2]));
      return {};
    default: {
      // Tracking text or reason (40, 62, 81, 102); ignored elsewhere, but
      // still bounded: it is stored and may be quoted back.
      cmd.text = Rest(line, 2);
      const char* field =
          cmd.code == code::kShipped || cmd.code == code::kReturnShipped
              ? "tracking text"
          : cmd.code == code::kNotSatisfied || cmd.code == code::kReturnRejected
              ? "reason"
              : "text after the code";
      if (auto ok = CheckFreeText(field, cmd.text, kMaxCommandTextChars); !ok)
        return bad(ok.error().message);
      return {};
    }
  }
}

// The "field: value" lines below a "CT 03" line, up to an empty line.
Result<void> ReadAccountFields(const std::vector<std::string_view>& lines,
                               size_t& i, AccountText& account) {
  constexpr size_t kLongestAccountWord = 60;
  for (size_t j = i + 1; j < lines.size() && !lines[j].empty(); ++j) {
    const size_t colon = lines[j].find(':');
    const std::string key =
        colon == std::string_view::npos
            ? ""
            : util::AsciiLower(TrimView(lines[j].substr(0, colon)));
    if (key != "bic" && key != "name")
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("CT 03: expected 'bic: …' or 'name: …', got '{}'",
                              Excerpt(lines[j])));
    std::string& field = key == "bic" ? account.bic : account.name;
    if (!field.empty())
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("CT 03: '{}' given twice", key));
    field = std::string(TrimView(lines[j].substr(colon + 1)));
    if (field.empty())
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("CT 03: '{}' is empty", key));
    if (key == "bic" && CountChars(field) > kLongestAccountWord)
      return Fail(ErrorKind::kInvalidInput, "CT 03: bic: too long");
    i = j;
  }
  return {};
}

// The "field: value" lines under "CT 10 …" / "CT 05 …" (line `i`), up to
// the first empty line; `i` ends on the last one read.
Result<void> ReadFields(const std::vector<std::string_view>& lines, size_t& i,
                        const char* what,
                        std::map<std::string, std::string>& fields) {
  for (size_t j = i + 1; j < lines.size() && !lines[j].empty(); ++j) {
    size_t colon = lines[j].find(':');
    if (colon == std::string_view::npos)
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("{}: expected 'field: value', got '{}'", what,
                              Excerpt(lines[j])));
    std::string key = util::AsciiLower(TrimView(lines[j].substr(0, colon)));
    if (fields.contains(key))
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("{}: '{}' given twice", what, Excerpt(key)));
    fields[key] = std::string(TrimView(lines[j].substr(colon + 1)));
    i = j;
  }
  return {};
}

Result<AccountText> ReadAccount(const std::vector<std::string_view>& lines,
                                size_t& i) {
  constexpr size_t kLongestIbanText = 60;  // 34 characters and blanks
  AccountText account;
  account.iban = Rest(lines[i], 2);
  if (account.iban.empty())
    return Fail(ErrorKind::kInvalidInput,
                "expected CT 03 IBAN (the account you are paid to)");
  if (CountChars(account.iban) > kLongestIbanText)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("CT 03: '{}' is too long for an IBAN",
                            Excerpt(account.iban)));
  CT_TRY(ReadAccountFields(lines, i, account));
  return account;
}

}  // namespace

std::optional<std::string> NormalizeDealId(std::string_view text) {
  return NormalizePrefixedId(text, "CT");
}

std::optional<std::string> MentionedDealId(std::string_view raw) {
  std::string text = FoldToAscii(raw);
  for (auto line : LiveLines(text)) {
    auto w = SplitWords(line);
    if (!w.empty())
      if (auto id = NormalizeDealId(w[0])) return id;
  }
  return std::nullopt;
}

Result<Parsed> ParseCommandText(std::string_view raw,
                                std::string_view currency) {
  std::string text = FoldToAscii(raw);
  std::vector<std::string_view> lines = LiveLines(text);
  Parsed parsed;
  int found = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto w = SplitWords(lines[i]);
    if (w.empty()) continue;
    std::string head = util::AsciiLower(w[0]);
    if (head == "ct" && w.size() >= 2) {
      std::string second = util::AsciiLower(w[1]);
      if (second == "help" && w.size() == 2) {
        ++found;
        parsed.kind = Parsed::Kind::kHelp;
      } else if (IsCodeWord(w[1]) && std::stoi(std::string(w[1])) == 0 &&
                 w.size() >= 3 && util::AsciiLower(w[2]) == "reputation") {
        ++found;
        // An address has at most 254 characters; a fingerprint 40 (or 64).
        if (w.size() != 4 || w[3].size() > 254)
          return Fail(ErrorKind::kInvalidInput,
                      "expected CT 00 REPUTATION EMAIL (or a fingerprint)");
        parsed.kind = Parsed::Kind::kReputation;
        parsed.query = util::AsciiLower(w[3]);
      } else if (IsCodeWord(w[1]) &&
                 (std::stoi(std::string(w[1])) == code::kOffer ||
                  std::stoi(std::string(w[1])) == listing_code::kPost)) {
        ++found;
        const bool offer = std::stoi(std::string(w[1])) == code::kOffer;
        const char* what = offer ? "offer" : "listing";
        // A case is a short name of a rules file; a longer word is not one
        // and is not echoed back.
        if (w.size() != 3 || w[2].size() > 32)
          return Fail(ErrorKind::kInvalidInput,
                      offer ? "expected CT 10 SALE or CT 10 EXCHANGE"
                            : "expected CT 05 SALE or CT 05 EXCHANGE");
        parsed.kind = offer ? Parsed::Kind::kOffer : Parsed::Kind::kListing;
        parsed.offer = {util::AsciiLower(w[2]), {}};
        CT_TRY(ReadFields(lines, i, what, parsed.offer.fields));
      } else if (IsCodeWord(w[1]) &&
                 std::stoi(std::string(w[1])) == listing_code::kSearch) {
        ++found;
        auto query = ParseSearch(Rest(lines[i], 2), currency);
        CT_TRY(query);
        parsed.kind = Parsed::Kind::kSearch;
        parsed.search = std::move(*query);
      } else if (IsCodeWord(w[1]) &&
                 std::stoi(std::string(w[1])) == kAccountCode) {
        ++found;
        auto account = ReadAccount(lines, i);
        CT_TRY(account);
        parsed.kind = Parsed::Kind::kAccount;
        parsed.account = std::move(*account);
      }
      continue;
    }
    if (auto listing = NormalizeListingId(w[0])) {
      ++found;
      if (w.size() < 2 || !IsCodeWord(w[1]))
        return Fail(ErrorKind::kInvalidInput,
                    fmt::format("expected a code after {}", *listing));
      auto cmd =
          ParseListingCommand(std::stoi(std::string(w[1])), Rest(lines[i], 2));
      CT_TRY(cmd);
      parsed.kind = Parsed::Kind::kListingCommand;
      parsed.listing_id = *listing;
      parsed.listing_command = std::move(*cmd);
      continue;
    }
    auto id = NormalizeDealId(w[0]);
    if (!id) continue;
    ++found;
    if (w.size() < 2 || !IsCodeWord(w[1]))
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("expected a code after {}", *id));
    parsed.kind = Parsed::Kind::kCommand;
    parsed.deal_id = *id;
    parsed.command.code = std::stoi(std::string(w[1]));
    if ((!IsKnownCode(parsed.command.code) &&
         parsed.command.code != code::kRate) ||
        parsed.command.code == code::kResolve)
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("unknown code {}", w[1]));
    CT_TRY(ReadArguments(lines[i], w, currency, parsed.command));
  }
  if (found > 1)
    return Fail(ErrorKind::kInvalidInput,
                "ambiguous: more than one command line; send one per message");
  return parsed;
}

Result<Offer> OfferFromText(const OfferText& text, const CaseRules& rules,
                            const std::string& sender,
                            std::string_view currency) {
  Offer offer;
  offer.emails[rules.initiator] = util::AsciiLower(sender);
  std::map<std::string, std::string> fields = text.fields;
  auto take = [&](const std::string& key) -> std::optional<std::string> {
    auto it = fields.find(key);
    if (it == fields.end()) return std::nullopt;
    std::string v = it->second;
    fields.erase(it);
    return v;
  };
  for (const auto& role : rules.roles) {
    if (role == rules.initiator) continue;
    std::string key =
        rules.counterparty_field.empty() ? role : rules.counterparty_field;
    if (auto v = take(key)) offer.emails[role] = util::AsciiLower(*v);
  }
  for (const auto& term : rules.terms) {
    auto v = take(term.name);
    if (!v) continue;
    auto amount = ReadAmount(*v, currency);
    if (!amount)
      return Fail(ErrorKind::kInvalidInput,
                  fmt::format("{}: {}", term.name, amount.error().message));
    offer.terms[term.name] = *amount;
  }
  for (const auto& t : rules.texts) {
    auto v = take(t);
    if (!v) continue;
    CT_TRY(CheckFreeText(t, *v, kMaxItemChars));
    offer.texts[t] = *v;
  }
  if (auto v = take("delivery")) offer.delivery = util::AsciiLower(*v);
  if (auto v = take("lang")) offer.lang = util::AsciiLower(*v);
  // Trust terms, only where the case has them (else: unknown field).
  if (!rules.moderation.role.empty())
    if (auto v = take("moderator")) offer.moderator = util::AsciiLower(*v);
  if (!rules.referral_on.empty())
    if (auto v = take("referrer")) offer.referrer = util::AsciiLower(*v);
  for (const auto& [mode, names] : rules.delivery_texts)
    for (const auto& name : names)
      if (auto v = take(name)) {
        CT_TRY(CheckFreeText(name, *v, kMaxItemChars));
        offer.texts[name] = *v;
      }
  if (!fields.empty())
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("offer: unknown field '{}'",
                            Excerpt(fields.begin()->first)));
  return offer;
}

}  // namespace ct::core
