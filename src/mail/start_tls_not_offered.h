// StartTlsNotOffered: the exception that stops vmime from sending a STARTTLS
// the server did not offer (mail/starttls.h). Implemented in
// mail/starttls.cpp. Internal to src/mail/.
#ifndef CYBERTROC_MAIL_START_TLS_NOT_OFFERED_H_
#define CYBERTROC_MAIL_START_TLS_NOT_OFFERED_H_

#include <string>
#include <vmime/exception.hpp>

#include "mail/url.h"

namespace ct::mail {

// Thrown, through vmime, when vmime is about to send a STARTTLS (STLS) that
// the server did not offer: only happens when the TLS policy requires it.
class StartTlsNotOffered : public vmime::exception {
 public:
  StartTlsNotOffered(MailProtocol protocol, const std::string& where);
  vmime::exception* clone() const override;
  const char* name() const throw() override;
  MailProtocol protocol() const { return protocol_; }

 private:
  MailProtocol protocol_;
};

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_START_TLS_NOT_OFFERED_H_
