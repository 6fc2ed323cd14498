#include "mail/transport.h"

#include <algorithm>

namespace ct::mail {

namespace {

Result<void> CheckAddress(const std::string& address) {
  const bool bad_char =
      std::any_of(address.begin(), address.end(), [](unsigned char c) {
        return c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',';
      });
  if (address.empty() || bad_char || address.front() == '-') {
    return Fail(ErrorKind::kInvalidInput,
                "bad envelope address '" + address + "'");
  }
  return {};
}

Result<void> CheckDeliveryKey(const std::string& key) {
  const bool bad_char = std::any_of(key.begin(), key.end(), [](char c) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                       (c >= 'A' && c <= 'Z');  // ASCII, whatever the locale
    return !alnum && c != '.' && c != '-' && c != '_';
  });
  if (bad_char || key.size() > kMaxDeliveryKey || key.starts_with('.')) {
    return Fail(ErrorKind::kInvalidInput, "bad delivery key '" + key + "'");
  }
  return {};
}

}  // namespace

Result<void> CheckEnvelope(const Envelope& env) {
  CT_TRY(CheckDeliveryKey(env.delivery_key));
  CT_TRY(CheckAddress(env.from));
  if (env.to.empty()) return Fail(ErrorKind::kInvalidInput, "no recipient");
  for (const std::string& to : env.to) {
    CT_TRY(CheckAddress(to));
  }
  return {};
}

}  // namespace ct::mail
