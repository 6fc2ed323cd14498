#include "mail/net.h"

#include <mutex>
#include <vmime/exception.hpp>
#include <vmime/net/store.hpp>
#include <vmime/net/timeoutHandler.hpp>
#include <vmime/net/tls/TLSProperties.hpp>
#include <vmime/platform.hpp>
#include <vmime/platforms/posix/posixHandler.hpp>
#include <vmime/security/cert/certificateException.hpp>
#include <vmime/security/sasl/SASLMechanism.hpp>
#include <vmime/security/sasl/defaultSASLAuthenticator.hpp>

#include "mail/start_tls_not_offered.h"
#include "mail/starttls.h"
#include "mail/tls.h"

namespace ct::mail {
namespace {

using Clock = std::chrono::steady_clock;

// Aborts an operation when the server has shown no progress (vmime resets
// the handler on every byte received or sent) for `limit`.
class ProgressTimeoutHandler : public vmime::net::timeoutHandler {
 public:
  explicit ProgressTimeoutHandler(std::chrono::milliseconds limit)
      : limit_(limit), last_(Clock::now()) {}
  bool isTimeOut() override { return Clock::now() - last_ >= limit_; }
  void resetTimeOut() override { last_ = Clock::now(); }
  bool handleTimeOut() override { return false; }  // false: give up

 private:
  std::chrono::milliseconds limit_;
  Clock::time_point last_;
};

class ProgressTimeoutFactory : public vmime::net::timeoutHandlerFactory {
 public:
  explicit ProgressTimeoutFactory(std::chrono::milliseconds limit)
      : limit_(limit) {}
  std::shared_ptr<vmime::net::timeoutHandler> create() override {
    return std::make_shared<ProgressTimeoutHandler>(limit_);
  }

 private:
  std::chrono::milliseconds limit_;
};

// Tries only the SASL mechanism GNU SASL suggests (the strongest offered)
// instead of each in turn: every failed attempt with a wrong password costs
// a growing delay at servers like Dovecot (auth penalty), so a bad
// password_file would take many seconds to report.
class OneMechanismAuthenticator
    : public vmime::security::sasl::defaultSASLAuthenticator {
 public:
  const std::vector<std::shared_ptr<vmime::security::sasl::SASLMechanism>>
  getAcceptableMechanisms(
      const std::vector<std::shared_ptr<vmime::security::sasl::SASLMechanism>>&
          available,
      std::shared_ptr<vmime::security::sasl::SASLMechanism> suggested)
      const override {
    if (suggested == nullptr) return available;
    return {suggested};
  }
};

// TLS 1.2 and 1.3 only (GnuTLS priority string).
constexpr char kTlsPriorities[] = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";

// "outer: inner: innermost" from vmime's chained exceptions.
std::string Explain(const vmime::exception& e) {
  std::string text = e.what();
  for (const vmime::exception* o = e.other(); o != nullptr; o = o->other()) {
    text += std::string(": ") + o->what();
  }
  return text;
}

std::string Scrub(std::string text, const std::string& secret) {
  if (secret.size() < 4) return text;  // a short one would mangle the text
  for (size_t pos; (pos = text.find(secret)) != std::string::npos;) {
    text.replace(pos, secret.size(), "********");
  }
  return text;
}

bool IsStartTls(const std::string& command) {
  return command.starts_with("STARTTLS") || command.starts_with("STLS");
}

Error Describe(const std::exception_ptr& caught, const NetSettings& s,
               std::string_view doing) {
  const std::string where = s.url.Redacted();
  const std::string during = " while " + std::string(doing);
  try {
    std::rethrow_exception(caught);
  } catch (const vmime::security::cert::certificateException& e) {
    return {ErrorKind::kConfig,
            "TLS certificate of " + where + " rejected: " + Explain(e)};
  } catch (const vmime::exceptions::authentication_error& e) {
    if (e.response() == "No SASL mechanism available.") {
      // Typically a plain local relay: OpenSMTPD, like many servers,
      // offers AUTH only over TLS.
      return {ErrorKind::kConfig,
              where +
                  " offers no login (AUTH) mechanism usable on this "
                  "connection: remove the user from the URL if the "
                  "server takes mail without login, or enable TLS on "
                  "the server (many offer AUTH only over TLS)"};
    }
    return {ErrorKind::kConfig, "login to " + where +
                                    " failed (check the user in the URL and "
                                    "password_file): " +
                                    Explain(e) + " " + e.response()};
  } catch (const vmime::exceptions::authentication_exception& e) {
    return {ErrorKind::kConfig, "login to " + where +
                                    " failed (check the user in the URL and "
                                    "password_file): " +
                                    Explain(e)};
  } catch (const vmime::exceptions::operation_timed_out&) {
    return {ErrorKind::kIo, where + ": no answer for " +
                                std::to_string(s.timeout.count()) + " ms" +
                                during};
  } catch (const StartTlsNotOffered& e) {
    const char* command = StartTlsCommand(e.protocol());
    return {ErrorKind::kConfig,
            where + " does not offer " + command + ", which " + s.url.scheme +
                ":// to a host other than this machine requires (nothing "
                "was sent in plaintext): use " +
                s.url.scheme + "s:// or enable " + command + " on the server"};
  } catch (const vmime::exceptions::command_error& e) {
    if (IsStartTls(e.command())) {
      return {ErrorKind::kConfig,
              where + " offered " + e.command() + " but refused it (" +
                  e.response() +
                  "); once offered, TLS is required: fix TLS on the server "
                  "or use the implicit-TLS scheme (" +
                  s.url.scheme + "s://)"};
    }
    return {ErrorKind::kIo, where + ": server answered '" + e.response() +
                                "' to " + e.command() + during};
  } catch (const vmime::exceptions::connection_greeting_error& e) {
    return {ErrorKind::kIo, where + ": bad greeting '" + e.response() + "'"};
  } catch (const vmime::exceptions::tls_exception& e) {
    return {ErrorKind::kIo,
            where + ": TLS failed" + during + ": " + Explain(e)};
  } catch (const vmime::exception& e) {
    return {ErrorKind::kIo,
            where + ": " + std::string(e.name()) + during + ": " + Explain(e)};
  } catch (const std::exception& e) {
    return {ErrorKind::kIo, where + ": error" + during + ": " + e.what()};
  } catch (...) {
    return {ErrorKind::kInternal, where + ": unknown exception" + during};
  }
}

}  // namespace

std::shared_ptr<vmime::net::session> NewSession() {
  static std::once_flag once;
  std::call_once(once, [] {
    vmime::platform::setHandler<vmime::platforms::posix::posixHandler>();
  });
  auto session = vmime::net::session::create();
  auto tls = std::make_shared<vmime::net::tls::TLSProperties>();
  tls->setCipherSuite(kTlsPriorities);
  session->setTLSProperties(tls);
  return session;
}

std::shared_ptr<vmime::security::authenticator> NewAuthenticator() {
  return std::make_shared<OneMechanismAuthenticator>();
}

Result<std::shared_ptr<vmime::net::store>> ConnectStore(
    const std::shared_ptr<vmime::net::session>& session,
    const NetSettings& settings) {
  auto store = session->getStore(settings.url.scheme, NewAuthenticator());
  CT_TRY(ConfigureService(*store, settings));
  store->connect();
  return store;
}

Result<void> ConfigureService(vmime::net::service& service,
                              const NetSettings& s) {
  service.setProperty("server.address", s.url.host);
  service.setProperty("server.port", s.url.port);
  if (!s.url.user.empty()) {
    service.setProperty("auth.username", s.url.user);
    service.setProperty("auth.password", s.password);
  }
  service.setProperty("options.sasl", true);
  // vmime retries with the plain LOGIN / USER+PASS commands when no SASL
  // mechanism works; SMTP has no such fallback.
  service.setProperty("options.sasl.fallback", true);
  const TlsMode mode = TlsModeFor(s.url);
  if (mode == TlsMode::kStartTlsRequired ||
      mode == TlsMode::kStartTlsIfOffered) {
    // Sets connection.tls once the server's capabilities are known.
    InstallStartTlsNegotiation(service, s.url, mode);
  } else {
    service.setProperty("connection.tls", false);
  }
  auto verifier = MakeCertificateVerifier(s.url.host, s.tls_ca_file);
  if (!verifier) {
    return Fail(verifier.error().kind,
                s.url.Redacted() + ": " + verifier.error().message);
  }
  service.setCertificateVerifier(*verifier);
  service.setTimeoutHandlerFactory(
      std::make_shared<ProgressTimeoutFactory>(s.timeout));
  return {};
}

Error TranslateException(const std::exception_ptr& caught,
                         const NetSettings& settings, std::string_view doing) {
  Error error = Describe(caught, settings, doing);
  error.message = Scrub(std::move(error.message), settings.password);
  return error;
}

}  // namespace ct::mail
