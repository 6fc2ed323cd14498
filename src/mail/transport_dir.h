// The dir:// transport, behind OpenTransport (mail/open_transport.h). Internal
// to src/mail/.
#ifndef CYBERTROC_MAIL_TRANSPORT_DIR_H_
#define CYBERTROC_MAIL_TRANSPORT_DIR_H_

#include <memory>

#include "core/error.h"
#include "mail/transport.h"
#include "mail/url.h"

namespace ct::mail {

// REQUIRES: url.scheme is dir.
Result<std::unique_ptr<Transport>> OpenDirTransport(const MailUrl& url);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_TRANSPORT_DIR_H_
