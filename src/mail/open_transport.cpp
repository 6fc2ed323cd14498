#include "mail/open_transport.h"

#include "mail/transport_dir.h"
#include "mail/transport_sendmail.h"
#include "mail/transport_smtp.h"
#include "mail/url.h"

namespace ct::mail {

Result<std::unique_ptr<Transport>> OpenTransport(
    const config::OutboxConfig& cfg, const std::string& password,
    const std::string& tls_ca_file, std::chrono::milliseconds timeout) {
  Result<MailUrl> url = ParseMailUrl(cfg.url);
  if (!url) {
    return Fail(url.error().kind, "outbox.url: " + url.error().message);
  }
  if (url->scheme == "smtp" || url->scheme == "smtps") {
    return OpenSmtpTransport(NetSettings{*url, password, tls_ca_file, timeout});
  }
  if (url->scheme == "sendmail") return OpenSendmailTransport(*url, timeout);
  if (url->scheme == "dir") return OpenDirTransport(*url);
  return Fail(ErrorKind::kConfig, "outbox.url: " + url->Redacted() +
                                      " is not a transport (expected smtp, "
                                      "smtps, sendmail or dir)");
}

}  // namespace ct::mail
