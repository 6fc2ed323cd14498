#include "mail/source.h"

namespace ct::mail {

std::string HeaderOnly(std::string_view prefix) {
  // The first empty line ends the header, whatever the line ends are.
  if (prefix.starts_with("\r\n")) return "\r\n";
  if (prefix.starts_with("\n")) return "\n";
  const size_t crlf = prefix.find("\r\n\r\n");
  const size_t lf = prefix.find("\n\n");
  if (crlf != std::string_view::npos &&
      (lf == std::string_view::npos || crlf < lf)) {
    return std::string(prefix.substr(0, crlf + 4));
  }
  if (lf != std::string_view::npos)
    return std::string(prefix.substr(0, lf + 2));
  return std::string(prefix);
}

}  // namespace ct::mail
