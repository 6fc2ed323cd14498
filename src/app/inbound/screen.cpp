#include "app/inbound/screen.h"

#include <algorithm>

#include "util/text.h"

namespace ct::app {

Screening Screen(const mail::Entity& root, const std::string& our_address) {
  auto flag = [](std::string why) { return Screening{true, std::move(why)}; };
  std::string return_path(util::Trim(root.Header("Return-Path")));
  if (return_path == "<>" || return_path == "< >")
    return flag("bounce (empty return path)");
  std::string from = mail::AddressOf(root.Header("From"));
  std::string local = from.substr(0, from.find('@'));
  if (local == "mailer-daemon" || local == "postmaster")
    return flag("bounce (from " + from + ")");
  if (root.type.Is("multipart", "report"))
    return flag("delivery or read report");
  std::string auto_submitted =
      util::AsciiLower(util::Trim(root.Header("Auto-Submitted")));
  if (!auto_submitted.empty() && auto_submitted != "no")
    return flag("Auto-Submitted: " + auto_submitted);
  std::string precedence =
      util::AsciiLower(util::Trim(root.Header("Precedence")));
  if (precedence == "bulk" || precedence == "list" || precedence == "junk")
    return flag("Precedence: " + precedence);
  if (!root.Header("List-Id").empty()) return flag("mailing list (List-Id)");
  if (!root.Header(kLoopHeader).empty() ||
      (!our_address.empty() && from == our_address))
    return flag("our own mail (loop)");
  return {};
}

}  // namespace ct::app
