// Server certificate verification for vmime 0.9.2 connections, by GnuTLS:
// the verifier (mail/strict_certificate_verifier.h, where the reasons for
// it are) made from a CA file (mail/trust_list.h).
#ifndef CYBERTROC_MAIL_TLS_H_
#define CYBERTROC_MAIL_TLS_H_

#include <memory>
#include <string>

#include "core/error.h"
#include "mail/strict_certificate_verifier.h"

namespace ct::mail {

inline constexpr char kSystemCaBundle[] = "/etc/ssl/certs/ca-certificates.crt";

// A verifier for `host` trusting `ca_file`, or the system bundle when
// `ca_file` is empty.
Result<std::shared_ptr<StrictCertificateVerifier>> MakeCertificateVerifier(
    const std::string& host, const std::string& ca_file);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_TLS_H_
