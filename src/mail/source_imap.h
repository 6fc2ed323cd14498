// IMAP and IMAPS sources with vmime, behind OpenSource (mail/open_source.h).
// Internal to src/mail/.
#ifndef CYBERTROC_MAIL_SOURCE_IMAP_H_
#define CYBERTROC_MAIL_SOURCE_IMAP_H_

#include <memory>
#include <string>

#include "core/error.h"
#include "mail/net.h"
#include "mail/source.h"

namespace ct::mail {

// REQUIRES: settings.url.scheme is imap or imaps.
Result<std::unique_ptr<Source>> OpenImapSource(
    const NetSettings& settings, const std::string& processed_folder);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_SOURCE_IMAP_H_
