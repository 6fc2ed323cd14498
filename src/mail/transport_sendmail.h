// The sendmail:// transport, behind OpenTransport (mail/open_transport.h).
// Internal to src/mail/.
#ifndef CYBERTROC_MAIL_TRANSPORT_SENDMAIL_H_
#define CYBERTROC_MAIL_TRANSPORT_SENDMAIL_H_

#include <chrono>
#include <memory>

#include "core/error.h"
#include "mail/transport.h"
#include "mail/url.h"

namespace ct::mail {

// REQUIRES: url.scheme is sendmail.
Result<std::unique_ptr<Transport>> OpenSendmailTransport(
    const MailUrl& url, std::chrono::milliseconds timeout);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_TRANSPORT_SENDMAIL_H_
