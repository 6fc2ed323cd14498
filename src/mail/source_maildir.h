// A local maildir source, behind OpenSource (mail/open_source.h). Internal to
// src/mail/.
#ifndef CYBERTROC_MAIL_SOURCE_MAILDIR_H_
#define CYBERTROC_MAIL_SOURCE_MAILDIR_H_

#include <memory>

#include "core/error.h"
#include "mail/source.h"
#include "mail/url.h"

namespace ct::mail {

// REQUIRES: url.scheme is maildir.
Result<std::unique_ptr<Source>> OpenMaildirSource(const MailUrl& url);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_SOURCE_MAILDIR_H_
