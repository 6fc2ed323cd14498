#include "mail/open_source.h"

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

}  // namespace ct::mail
