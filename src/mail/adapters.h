// The concrete sources and transports behind OpenSource / OpenTransport,
// and helpers they share. Internal to src/mail/.
#ifndef CYBERTROC_MAIL_ADAPTERS_H_
#define CYBERTROC_MAIL_ADAPTERS_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vmime/net/folder.hpp>
#include <vmime/net/store.hpp>

#include "config/config.h"
#include "core/error.h"
#include "mail/net.h"
#include "mail/source.h"
#include "mail/transport.h"
#include "mail/url.h"

namespace ct::mail {

// REQUIRES: settings.url.scheme is imap or imaps.
Result<std::unique_ptr<Source>> OpenImapSource(
    const NetSettings& settings, const std::string& processed_folder);
// REQUIRES: settings.url.scheme is pop3 or pop3s.
Result<std::unique_ptr<Source>> OpenPop3Source(const NetSettings& settings);
// REQUIRES: url.scheme is maildir.
Result<std::unique_ptr<Source>> OpenMaildirSource(const MailUrl& url);

// REQUIRES: settings.url.scheme is smtp or smtps.
Result<std::unique_ptr<Transport>> OpenSmtpTransport(
    const NetSettings& settings);
// REQUIRES: url.scheme is sendmail.
Result<std::unique_ptr<Transport>> OpenSendmailTransport(
    const MailUrl& url, std::chrono::milliseconds timeout);
// REQUIRES: url.scheme is dir.
Result<std::unique_ptr<Transport>> OpenDirTransport(const MailUrl& url);

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

// The header of a message from its first bytes: everything up to and
// including the blank line that ends it, or all of `prefix` when no blank
// line is in it. What Fetch keeps of an oversized message.
std::string HeaderOnly(std::string_view prefix);

// kInvalidInput unless `env` has a sender and at least one recipient, each
// a plausible bare address: not empty, no blanks or control characters, no
// '<' '>' ',' and not starting with '-' (addresses become sendmail
// arguments and SMTP commands), and a delivery key as Envelope describes
// (it becomes a file name).
Result<void> CheckEnvelope(const Envelope& env);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_ADAPTERS_H_
