// OpenSource: the source for an inbox URL. Apart from mail/source.h, the
// interface that each source (mail/source_imap.h, mail/source_pop3.h,
// mail/source_maildir.h) implements, so that they do not include the
// factory that opens them.
#ifndef CYBERTROC_MAIL_OPEN_SOURCE_H_
#define CYBERTROC_MAIL_OPEN_SOURCE_H_

#include <chrono>
#include <memory>
#include <string>

#include "config/config.h"
#include "core/error.h"
#include "mail/source.h"

namespace ct::mail {

// Connects (and logs in) to cfg.url. `password` is the content of
// inbox.password_file as read by the caller, without a trailing newline;
// it may be empty. `timeout` bounds each wait for the server (tests make it
// short).
Result<std::unique_ptr<Source>> OpenSource(
    const config::InboxConfig& cfg, const std::string& password,
    std::chrono::milliseconds timeout = kDefaultNetTimeout);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_OPEN_SOURCE_H_
