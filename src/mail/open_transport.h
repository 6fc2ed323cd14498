// OpenTransport: the transport for an outbox URL. Apart from
// mail/transport.h, the interface that each transport
// (mail/transport_smtp.h, mail/transport_sendmail.h, mail/transport_dir.h)
// implements, so that they do not include the factory that opens them.
#ifndef CYBERTROC_MAIL_OPEN_TRANSPORT_H_
#define CYBERTROC_MAIL_OPEN_TRANSPORT_H_

#include <chrono>
#include <memory>
#include <string>

#include "config/config.h"
#include "core/error.h"
#include "mail/source.h"  // kDefaultNetTimeout
#include "mail/transport.h"

namespace ct::mail {

// Opens cfg.url (SMTP connects and authenticates now, so that a wrong
// setting shows before the first message). `password` is the content of
// outbox.password_file, may be empty. `tls_ca_file`: PEM roots to trust
// instead of the system bundle (empty: system CAs). `timeout` bounds each
// wait for the server, and the whole run of sendmail.
Result<std::unique_ptr<Transport>> OpenTransport(
    const config::OutboxConfig& cfg, const std::string& password,
    const std::string& tls_ca_file = "",
    std::chrono::milliseconds timeout = kDefaultNetTimeout);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_OPEN_TRANSPORT_H_
