// Glue shared by the vmime network adapters (IMAP, POP3, SMTP): service
// settings from a MailUrl, the progress timeout, and the one place where
// vmime exceptions become ct::Error. Internal to src/mail/.
#ifndef CYBERTROC_MAIL_NET_H_
#define CYBERTROC_MAIL_NET_H_

#include <chrono>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vmime/net/service.hpp>
#include <vmime/net/session.hpp>
#include <vmime/security/authenticator.hpp>

#include "core/error.h"
#include "mail/url.h"

namespace ct::mail {

// What a network adapter needs to connect. Holds the password: never log it.
struct NetSettings {
  MailUrl url;
  std::string password;
  std::string tls_ca_file;  // empty: system CAs
  std::chrono::milliseconds timeout;
};

// A fresh vmime session, with the platform handler installed (once per
// process) and our TLS priorities.
std::shared_ptr<vmime::net::session> NewSession();

// The authenticator to give vmime for every service: SASL with the user and
// password that ConfigureService sets, one mechanism tried.
std::shared_ptr<vmime::security::authenticator> NewAuthenticator();

// Sets on `service` the server address and port, the credentials (when the
// URL has a user), the TLS policy of TlsModeFor(url) with our certificate
// verifier (STARTTLS exactly when offered: mail/starttls.h), SASL
// authentication, and the progress timeout. kConfig when the CA file cannot
// be loaded.
Result<void> ConfigureService(vmime::net::service& service,
                              const NetSettings& settings);

// A configured and connected message store (IMAP or POP3) of `session`.
// May throw vmime exceptions: call inside Guarded(). kConfig as
// ConfigureService.
Result<std::shared_ptr<vmime::net::store>> ConnectStore(
    const std::shared_ptr<vmime::net::session>& session,
    const NetSettings& settings);

// Turns any exception thrown while `doing` something ("connecting",
// "fetching 12:345", ...) into an Error naming the redacted URL; the
// password is scrubbed from the text in case a server echoed it.
Error TranslateException(const std::exception_ptr& caught,
                         const NetSettings& settings, std::string_view doing);

// Runs `body` (which returns T or Result<T>) and translates whatever it
// throws. Every call into vmime goes through here.
template <typename F>
auto Guarded(const NetSettings& settings, std::string_view doing, F&& body) {
  using Raw = std::invoke_result_t<F>;
  if constexpr (requires { typename Raw::error_type; }) {
    try {
      return std::forward<F>(body)();
    } catch (...) {
      return Raw(std::unexpected(
          TranslateException(std::current_exception(), settings, doing)));
    }
  } else {
    using Out = Result<Raw>;
    try {
      if constexpr (std::is_void_v<Raw>) {
        std::forward<F>(body)();
        return Out();
      } else {
        return Out(std::forward<F>(body)());
      }
    } catch (...) {
      return Out(std::unexpected(
          TranslateException(std::current_exception(), settings, doing)));
    }
  }
}

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_NET_H_
