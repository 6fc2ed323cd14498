// TrustList: the certificates and CRLs a server's chain is verified against
// (mail/strict_certificate_verifier.h), in a GnuTLS trust list. Implemented
// in mail/tls.cpp.
#ifndef CYBERTROC_MAIL_TRUST_LIST_H_
#define CYBERTROC_MAIL_TRUST_LIST_H_

#include <gnutls/x509.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::mail {

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

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_TRUST_LIST_H_
