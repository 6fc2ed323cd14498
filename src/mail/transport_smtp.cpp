// SMTP and SMTPS transports with vmime: the raw message is streamed as it is
// (no vmime::message, so nothing is re-serialised), with the real envelope.
#include "mail/transport_smtp.h"

#include <vmime/emailAddress.hpp>
#include <vmime/mailbox.hpp>
#include <vmime/mailboxList.hpp>
#include <vmime/net/smtp/SMTPExceptions.hpp>
#include <vmime/net/transport.hpp>
#include <vmime/utility/inputStreamStringAdapter.hpp>

#include "mail/transport.h"

namespace ct::mail {
namespace {

namespace vnet = vmime::net;
namespace vsmtp = vmime::net::smtp;

// The DATA payload: CRLF line ends as SMTP demands, and without the final
// CRLF, because vmime always sends "\r\n.\r\n" after the data and the
// message would otherwise gain an empty last line. (vmime does the
// dot-stuffing.)
std::string ToDataPayload(const std::string& raw) {
  std::string data;
  data.reserve(raw.size() + raw.size() / 32);
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && (i == 0 || raw[i - 1] != '\r')) data += '\r';
    data += raw[i];
  }
  if (data.ends_with("\r\n")) data.resize(data.size() - 2);
  return data;
}

class SmtpTransport : public Transport {
 public:
  SmtpTransport(NetSettings settings, std::shared_ptr<vnet::session> session,
                std::shared_ptr<vnet::transport> transport)
      : settings_(std::move(settings)),
        session_(std::move(session)),
        transport_(std::move(transport)) {}

  ~SmtpTransport() override { (void)Close(); }

  Result<void> Send(const Envelope& env, const std::string& raw) override {
    CT_TRY(CheckEnvelope(env));
    // A connection lost after an earlier error is made again, once.
    Result<void> connected = Guarded(settings_, "reconnecting", [&] {
      if (!transport_->isConnected()) transport_->connect();
    });
    CT_TRY(connected);
    return Guarded(settings_, "sending to " + env.to.front(),
                   [&] { return SendNow(env, ToDataPayload(raw)); });
  }

  Result<void> Close() override {
    return Guarded(settings_, "quitting", [&] {
      if (transport_->isConnected()) transport_->disconnect();
    });
  }

 private:
  Result<void> SendNow(const Envelope& env, const std::string& data) {
    const vmime::mailbox from{vmime::emailAddress(env.from)};
    vmime::mailboxList recipients;
    for (const std::string& to : env.to) {
      recipients.appendMailbox(
          std::make_shared<vmime::mailbox>(vmime::emailAddress(to)));
    }
    vmime::utility::inputStreamStringAdapter in(data);
    try {
      transport_->send(from, recipients, in, data.size(), nullptr, from);
    } catch (const vsmtp::SMTPCommandError& e) {
      return Rejected(e.statusCode(), e.command(), e.response());
    } catch (const vsmtp::SMTPMessageSizeExceedsMaxLimitsException&) {
      return Fail(ErrorKind::kRefused, settings_.url.Redacted() +
                                           ": message too big for the server");
    }
    return {};
  }

  // 4xx: try later. 5xx to RCPT or DATA: the server's final word on this
  // message. But a 5xx to MAIL FROM, or "authentication required", would
  // refuse every message alike: that is our configuration, not the message.
  std::unexpected<Error> Rejected(int code, const std::string& command,
                                  const std::string& response) const {
    ErrorKind kind = ErrorKind::kIo;
    if (code == 530 || (code >= 500 && command.starts_with("MAIL"))) {
      kind = ErrorKind::kConfig;
    } else if (code >= 500 && code < 600) {
      kind = ErrorKind::kRefused;
    }
    return Fail(kind, settings_.url.Redacted() + ": " + std::to_string(code) +
                          " '" + response + "' in reply to " + command);
  }

  NetSettings settings_;
  std::shared_ptr<vnet::session> session_;
  std::shared_ptr<vnet::transport> transport_;
};

}  // namespace

Result<std::unique_ptr<Transport>> OpenSmtpTransport(
    const NetSettings& settings) {
  return Guarded(
      settings, "connecting", [&]() -> Result<std::unique_ptr<Transport>> {
        auto session = NewSession();
        auto transport =
            session->getTransport(settings.url.scheme, NewAuthenticator());
        CT_TRY(ConfigureService(*transport, settings));
        // AUTH exactly when the URL names a user.
        transport->setProperty("options.need-authentication",
                               !settings.url.user.empty());
        // With PIPELINING vmime blames every rejection on the last command
        // sent (DATA); one round trip per command keeps MAIL and RCPT apart.
        transport->setProperty("options.pipelining", false);
        transport->connect();
        return std::make_unique<SmtpTransport>(settings, session, transport);
      });
}

}  // namespace ct::mail
