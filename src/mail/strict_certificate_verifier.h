// StrictCertificateVerifier: server certificate verification for vmime
// 0.9.2 connections, by GnuTLS. Implemented in mail/tls.cpp.
//
// Why not vmime's defaultCertificateVerifier:
//  - it starts with no root CAs (they must be loaded one certificate at a
//    time: X509Certificate::import reads only the first of a PEM bundle);
//  - it links the chain with X509Certificate::checkIssuer, which compares
//    names (and key ids when present: gnutls_x509_crt_check_issuer), and
//    checks a signature only on the last certificate: a leaf made up by
//    anyone, naming a real CA as issuer, without an authority key id, and
//    sent together with that CA's certificate, passes (mail_tls_test and
//    mail_network_tls_test pin this);
//  - it checks the host name the socket reports, which is the reverse-DNS
//    name when the URL host is an IP address, not the host we asked for.
// StrictCertificateVerifier hands the chain the server sent to GnuTLS
// (gnutls_x509_trust_list_verify_crt2) with the certificates of tls_ca_file,
// or of the system bundle, as the trust list. GnuTLS checks the signature of
// every link; that every issuer is a CA allowed to sign certificates (basic
// constraints, key usage, path length); validity dates; name constraints;
// revocation by the CRLs the CA file holds; that the leaf may serve TLS
// (extended key usage, when it has one) and names the host of the URL (DNS
// name or IP address). A certificate of the CA file is trusted as it is, so
// a pinned server certificate works. Not checked: OCSP (no stapling in
// vmime). vmime's GnuTLS session sends no SNI either, so a server with
// several certificates must present the right one by default.
#ifndef CYBERTROC_MAIL_STRICT_CERTIFICATE_VERIFIER_H_
#define CYBERTROC_MAIL_STRICT_CERTIFICATE_VERIFIER_H_

#include <memory>
#include <string>
#include <vmime/security/cert/certificateChain.hpp>
#include <vmime/security/cert/certificateVerifier.hpp>

#include "mail/trust_list.h"

namespace ct::mail {

class StrictCertificateVerifier
    : public vmime::security::cert::certificateVerifier {
 public:
  // `host`: the host of the URL, which the leaf must name (DNS name or IP
  // address, as in the URL). `trust`: the trust anchors.
  StrictCertificateVerifier(std::string host,
                            std::shared_ptr<const TrustList> trust);

  // Throws a vmime::security::cert::certificateException (or subclass)
  // whose what() says what is wrong; `reported_host` is ignored (see above).
  void verify(std::shared_ptr<vmime::security::cert::certificateChain> chain,
              const std::string& reported_host) override;

 private:
  std::string host_;
  std::shared_ptr<const TrustList> trust_;
};

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_STRICT_CERTIFICATE_VERIFIER_H_
