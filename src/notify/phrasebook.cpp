#include "notify/phrasebook.h"

#include <optional>
#include <string_view>
#include <vector>

namespace ct::notify {
namespace {

constexpr std::string_view kGap = "…";
constexpr std::string_view kPrefix = "msg.";
// A value may itself be a reason with values ("… (code …)" around "'…' is
// not a valid IBAN: …" around a cause): three levels are all the code makes.
constexpr int kMaxDepth = 3;

// "a … b … c" -> {"a ", " b ", " c"}: the fixed text between the gaps.
std::vector<std::string_view> Pieces(std::string_view pattern) {
  std::vector<std::string_view> pieces;
  for (size_t at; (at = pattern.find(kGap)) != std::string_view::npos;) {
    pieces.push_back(pattern.substr(0, at));
    pattern.remove_prefix(at + kGap.size());
  }
  pieces.push_back(pattern);
  return pieces;
}

// The values that make `text` from `pieces`, or nullopt when it does not fit.
// Each gap takes the shortest text up to the next piece; the last piece must
// end the text.
std::optional<std::vector<std::string>> Fit(
    const std::vector<std::string_view>& pieces, std::string_view text) {
  if (!text.starts_with(pieces.front())) return std::nullopt;
  size_t at = pieces.front().size();
  std::vector<std::string> values;
  for (size_t i = 1; i < pieces.size(); ++i) {
    const std::string_view piece = pieces[i];
    size_t end;
    if (i + 1 == pieces.size()) {
      if (text.size() < at + piece.size() || !text.ends_with(piece))
        return std::nullopt;
      end = text.size() - piece.size();
    } else {
      end = text.find(piece, at);
      if (end == std::string_view::npos) return std::nullopt;
    }
    values.emplace_back(text.substr(at, end - at));
    at = end + piece.size();
  }
  return values;
}

// A gap in quotes ('…' or "…") holds the sender's own text, shown as it is:
// never translated, even when it happens to read like one of our sentences.
std::vector<bool> Verbatim(const std::vector<std::string_view>& pieces) {
  std::vector<bool> verbatim;
  for (size_t i = 0; i + 1 < pieces.size(); ++i) {
    const std::string_view before = pieces[i], after = pieces[i + 1];
    verbatim.push_back(!before.empty() && !after.empty() &&
                       before.back() == after.front() &&
                       (before.back() == '\'' || before.back() == '"'));
  }
  return verbatim;
}

struct Best {
  size_t fixed = 0;  // characters of fixed text in the pattern
  const std::string* translation = nullptr;
  std::vector<std::string> values;
  std::vector<bool> verbatim;  // per value: shown as it is
};

std::string Translate(const Labels& labels, const std::string& english,
                      int depth) {
  if (auto it = labels.find(std::string(kPrefix) + english); it != labels.end())
    return it->second;
  if (depth == 0) return english;
  Best best;
  // The "msg." keys are one contiguous range of the sorted map.
  for (auto it = labels.lower_bound(std::string(kPrefix));
       it != labels.end() && it->first.starts_with(kPrefix); ++it) {
    const std::string_view pattern =
        std::string_view(it->first).substr(kPrefix.size());
    if (pattern.find(kGap) == std::string_view::npos) continue;
    const auto pieces = Pieces(pattern);
    const size_t fixed = pattern.size() - (pieces.size() - 1) * kGap.size();
    if (fixed <= best.fixed) continue;
    if (auto values = Fit(pieces, english)) {
      best = {fixed, &it->second, std::move(*values), Verbatim(pieces)};
    }
  }
  if (best.translation == nullptr) return english;
  // Built left to right so that a value holding "…" is never a gap.
  std::string out;
  std::string_view rest = *best.translation;
  for (size_t i = 0; i < best.values.size(); ++i) {
    const size_t at = rest.find(kGap);
    if (at == std::string_view::npos) break;
    out += rest.substr(0, at);
    out += best.verbatim[i] ? best.values[i]
                            : Translate(labels, best.values[i], depth - 1);
    rest.remove_prefix(at + kGap.size());
  }
  out += rest;
  return out;
}

}  // namespace

std::string TranslateReason(const Labels& labels, const std::string& english) {
  return Translate(labels, english, kMaxDepth);
}

}  // namespace ct::notify
