// POP3 and POP3S sources with vmime, behind OpenSource (mail/open_source.h).
// Internal to src/mail/.
#ifndef CYBERTROC_MAIL_SOURCE_POP3_H_
#define CYBERTROC_MAIL_SOURCE_POP3_H_

#include <memory>

#include "core/error.h"
#include "mail/net.h"
#include "mail/source.h"

namespace ct::mail {

// REQUIRES: settings.url.scheme is pop3 or pop3s.
Result<std::unique_ptr<Source>> OpenPop3Source(const NetSettings& settings);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_SOURCE_POP3_H_
