// Server certificate verification for vmime 0.9.2 connections.
//
// Why not vmime's defaultCertificateVerifier:
//  - it starts with no root CAs (they must be loaded one certificate at a
//    time: X509Certificate::import reads only the first of a PEM bundle);
//  - it links the chain with X509Certificate::checkIssuer, which compares
//    names (and key ids when present: gnutls_x509_crt_check_issuer), and
//    checks a signature only on the last certificate: a leaf made up by
//    anyone, naming a real CA as issuer, without an authority key id, and
//    sent together with that CA's certificate, passes (mail_tls_test and
//    mail_network_test pin this);
//  - it checks the host name the socket reports, which is the reverse-DNS
//    name when the URL host is an IP address, not the host we asked for.
// StrictCertificateVerifier checks the signature of every link with
// X509Certificate::verify (gnutls_x509_crt_verify: also refuses an issuer
// that is not a CA), the validity dates of every certificate on the path,
// that the path ends at one of our roots, and that the leaf names the host
// of the URL. Not checked (no API in vmime 0.9.2): key usage, name
// constraints, revocation. vmime's GnuTLS session sends no SNI either, so a
// server with several certificates must present the right one by default.
#ifndef CYBERTROC_MAIL_TLS_H_
#define CYBERTROC_MAIL_TLS_H_

#include <memory>
#include <string>
#include <vector>
#include <vmime/security/cert/X509Certificate.hpp>
#include <vmime/security/cert/certificateChain.hpp>
#include <vmime/security/cert/certificateVerifier.hpp>

#include "core/error.h"

namespace ct::mail {

inline constexpr char kSystemCaBundle[] = "/etc/ssl/certs/ca-certificates.crt";

using X509Ptr = std::shared_ptr<vmime::security::cert::X509Certificate>;

// Every certificate of the PEM file at `path` ("-----BEGIN CERTIFICATE-----"
// blocks; anything between them is ignored). kConfig when the file cannot be
// read or holds no certificate, or one block does not parse.
Result<std::vector<X509Ptr>> LoadCertificates(const std::string& path);

class StrictCertificateVerifier
    : public vmime::security::cert::certificateVerifier {
 public:
  // `host`: the host of the URL, which the leaf must name (DNS name or IP
  // address, as in the URL). `roots`: the trust anchors.
  StrictCertificateVerifier(std::string host, std::vector<X509Ptr> roots);

  // Throws a vmime::security::cert::certificateException (or subclass)
  // whose what() says what is wrong; `reported_host` is ignored (see above).
  void verify(std::shared_ptr<vmime::security::cert::certificateChain> chain,
              const std::string& reported_host) override;

 private:
  bool IsAnchored(const X509Ptr& cert) const;

  std::string host_;
  std::vector<X509Ptr> roots_;
};

// A verifier for `host` trusting `ca_file`, or the system bundle when
// `ca_file` is empty.
Result<std::shared_ptr<StrictCertificateVerifier>> MakeCertificateVerifier(
    const std::string& host, const std::string& ca_file);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_TLS_H_
