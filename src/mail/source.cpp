#include "mail/source.h"

#include "mail/adapters.h"
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

Result<std::unique_ptr<Source>> OpenMailbox(const NetSettings& settings,
                                            const MailboxOpener& open) {
  if (settings.url.user.empty()) {
    return Fail(ErrorKind::kConfig,
                settings.url.Redacted() + ": the URL needs a user");
  }
  return Guarded(settings, "connecting",
                 [&]() -> Result<std::unique_ptr<Source>> {
                   auto session = NewSession();
                   auto connected = ConnectStore(session, settings);
                   CT_TRY(connected);
                   return open(std::move(session), *connected);
                 });
}

Result<void> CloseMailbox(const NetSettings& settings, std::string_view doing,
                          bool expunge,
                          std::shared_ptr<vmime::net::folder>& folder,
                          std::shared_ptr<vmime::net::store>& store) {
  Result<void> closed = Guarded(settings, doing, [&] {
    if (folder->isOpen()) folder->close(expunge);
    if (store->isConnected()) store->disconnect();
  });
  folder.reset();
  store.reset();
  return closed;
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
