#include "mail/source.h"

#include "mail/source_imap.h"
#include "mail/source_maildir.h"
#include "mail/source_pop3.h"
#include "mail/url.h"

namespace ct::mail {

Result<std::unique_ptr<Source>> OpenSource(const config::InboxConfig& cfg,
                                           const std::string& password,
                                           std::chrono::milliseconds timeout) {
  Result<MailUrl> url = ParseMailUrl(cfg.url);
  if (!url) {
    return Fail(url.error().kind, "inbox.url: " + url.error().message);
  }
  if (url->scheme == "maildir") return OpenMaildirSource(*url);
  const NetSettings settings{*url, password, cfg.tls_ca_file, timeout};
  if (url->scheme == "imap" || url->scheme == "imaps") {
    return OpenImapSource(settings, cfg.processed_folder);
  }
  if (url->scheme == "pop3" || url->scheme == "pop3s") {
    return OpenPop3Source(settings);
  }
  return Fail(ErrorKind::kConfig, "inbox.url: " + url->Redacted() +
                                      " is not a mailbox (expected imap, "
                                      "imaps, pop3, pop3s or maildir)");
}

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
