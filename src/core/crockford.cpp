#include "core/crockford.h"

#include <cctype>

namespace ct::core {

std::optional<std::string> NormalizePrefixedId(std::string_view text,
                                               std::string_view prefix) {
  if (prefix.size() != 2 || text.size() != 11 || text[2] != '-')
    return std::nullopt;
  for (size_t i = 0; i < 2; ++i) {
    if (std::toupper(static_cast<unsigned char>(text[i])) != prefix[i])
      return std::nullopt;
  }
  std::string id = std::string(prefix) + "-";
  for (char c : text.substr(3)) {
    char u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (u == 'O') u = '0';
    if (u == 'I' || u == 'L') u = '1';
    if (kCrockford.find(u) == std::string_view::npos) return std::nullopt;
    id += u;
  }
  return id;
}

}  // namespace ct::core
