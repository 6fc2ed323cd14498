// Opening and closing an IMAP or POP3 mailbox: what the two network sources
// share around their own folder step.
#ifndef CYBERTROC_MAIL_MAILBOX_H_
#define CYBERTROC_MAIL_MAILBOX_H_

#include <functional>
#include <memory>
#include <string_view>
#include <vmime/net/folder.hpp>
#include <vmime/net/session.hpp>
#include <vmime/net/store.hpp>

#include "core/error.h"
#include "mail/net.h"
#include "mail/source.h"

namespace ct::mail {

// Opens the folder of a connected IMAP or POP3 store and makes the Source
// that owns them.
using MailboxOpener = std::function<Result<std::unique_ptr<Source>>(
    std::shared_ptr<vmime::net::session> session,
    std::shared_ptr<vmime::net::store> store)>;

// Opens an IMAP or POP3 mailbox: kConfig when the URL names no user (a
// mailbox is always logged in to), else connects a store of a new session
// (ConnectStore) and hands both to `open`. Whatever vmime throws on the way,
// in `open` too, is translated as "connecting".
Result<std::unique_ptr<Source>> OpenMailbox(const NetSettings& settings,
                                            const MailboxOpener& open);

// Closes an open mailbox as `doing` ("logging out", "quitting"): closes
// `folder`, expunging it when `expunge`, disconnects `store`, then resets
// both, even when that failed, so that the Source stays closed.
Result<void> CloseMailbox(const NetSettings& settings, std::string_view doing,
                          bool expunge,
                          std::shared_ptr<vmime::net::folder>& folder,
                          std::shared_ptr<vmime::net::store>& store);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_MAILBOX_H_
