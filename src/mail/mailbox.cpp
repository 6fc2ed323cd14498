#include "mail/mailbox.h"

#include <utility>

namespace ct::mail {

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

}  // namespace ct::mail
