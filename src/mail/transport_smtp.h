// SMTP and SMTPS transports with vmime, behind OpenTransport
// (mail/open_transport.h). Internal to src/mail/.
#ifndef CYBERTROC_MAIL_TRANSPORT_SMTP_H_
#define CYBERTROC_MAIL_TRANSPORT_SMTP_H_

#include <memory>

#include "core/error.h"
#include "mail/net.h"
#include "mail/transport.h"

namespace ct::mail {

// REQUIRES: settings.url.scheme is smtp or smtps.
Result<std::unique_ptr<Transport>> OpenSmtpTransport(
    const NetSettings& settings);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_TRANSPORT_SMTP_H_
