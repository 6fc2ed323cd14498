// Server certificate verification for vmime 0.9.2 connections, by GnuTLS.
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
#ifndef CYBERTROC_MAIL_TLS_H_
#define CYBERTROC_MAIL_TLS_H_

#include <gnutls/x509.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vmime/security/cert/certificateChain.hpp>
#include <vmime/security/cert/certificateVerifier.hpp>

#include "core/error.h"

namespace ct::mail {

inline constexpr char kSystemCaBundle[] = "/etc/ssl/certs/ca-certificates.crt";

// The trust anchors: every certificate of a PEM file ("-----BEGIN
// CERTIFICATE-----" blocks), and the X.509 CRLs it holds, in a GnuTLS trust
// list, immutable once made.
class TrustList {
 public:
  // kConfig when the file cannot be read, holds no certificate, or a block
  // does not parse, or a CRL is not signed by one of its certificates; the
  // message names `path`.
  static Result<std::shared_ptr<const TrustList>> Load(const std::string& path);
  // The same from PEM text; `name` says where it comes from in messages.
  static Result<std::shared_ptr<const TrustList>> FromPem(
      std::string_view pem, const std::string& name);

  ~TrustList();
  TrustList(const TrustList&) = delete;
  TrustList& operator=(const TrustList&) = delete;

  size_t certificates() const { return certificates_; }
  size_t crls() const { return crls_; }
  // GnuTLS takes the list as non-const, but verifying does not change it.
  gnutls_x509_trust_list_t get() const { return list_; }

 private:
  explicit TrustList(gnutls_x509_trust_list_t list) : list_(list) {}

  gnutls_x509_trust_list_t list_;
  size_t certificates_ = 0;
  size_t crls_ = 0;
};

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

// A verifier for `host` trusting `ca_file`, or the system bundle when
// `ca_file` is empty.
Result<std::shared_ptr<StrictCertificateVerifier>> MakeCertificateVerifier(
    const std::string& host, const std::string& ca_file);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_TLS_H_
