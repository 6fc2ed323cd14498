#include "verify/screen.h"

#include <algorithm>
#include <cctype>

namespace ct::verify {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

}  // namespace

Screening Screen(const mail::Entity& root, const std::string& our_address) {
  auto flag = [](std::string why) { return Screening{true, std::move(why)}; };
  std::string return_path = Trimmed(root.Header("Return-Path"));
  if (return_path == "<>" || return_path == "< >")
    return flag("bounce (empty return path)");
  std::string from = mail::AddressOf(root.Header("From"));
  std::string local = from.substr(0, from.find('@'));
  if (local == "mailer-daemon" || local == "postmaster")
    return flag("bounce (from " + from + ")");
  if (root.type.Is("multipart", "report"))
    return flag("delivery or read report");
  std::string auto_submitted = Lower(Trimmed(root.Header("Auto-Submitted")));
  if (!auto_submitted.empty() && auto_submitted != "no")
    return flag("Auto-Submitted: " + auto_submitted);
  std::string precedence = Lower(Trimmed(root.Header("Precedence")));
  if (precedence == "bulk" || precedence == "list" || precedence == "junk")
    return flag("Precedence: " + precedence);
  if (!root.Header("List-Id").empty()) return flag("mailing list (List-Id)");
  if (!root.Header(kLoopHeader).empty() ||
      (!our_address.empty() && from == our_address))
    return flag("our own mail (loop)");
  return {};
}

}  // namespace ct::verify
