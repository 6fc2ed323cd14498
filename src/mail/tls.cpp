#include "mail/tls.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gnutls/gnutls.h>

#include <type_traits>
#include <utility>
#include <vector>
#include <vmime/security/cert/X509Certificate.hpp>
#include <vmime/security/cert/certificateException.hpp>
#include <vmime/security/cert/unsupportedCertificateTypeException.hpp>

#include "core/limits.h"
#include "mail/strict_certificate_verifier.h"
#include "mail/trust_list.h"
#include "util/read_file.h"

namespace ct::mail {
namespace {

namespace cert = vmime::security::cert;

constexpr std::string_view kCrlBegin = "-----BEGIN X509 CRL-----";

struct CrtDeleter {
  void operator()(gnutls_x509_crt_t crt) const { gnutls_x509_crt_deinit(crt); }
};
using Crt =
    std::unique_ptr<std::remove_pointer_t<gnutls_x509_crt_t>, CrtDeleter>;

[[noreturn]] void Reject(const std::string& why) {
  throw cert::certificateException(why);
}

gnutls_datum_t Datum(std::string_view bytes) {
  return {reinterpret_cast<unsigned char*>(const_cast<char*>(bytes.data())),
          static_cast<unsigned>(bytes.size())};
}

// The chain as the server sent it, as GnuTLS certificates.
std::vector<Crt> ToGnutls(cert::certificateChain& chain) {
  std::vector<Crt> out;
  for (size_t i = 0; i < chain.getCount(); ++i) {
    auto c = std::dynamic_pointer_cast<cert::X509Certificate>(chain.getAt(i));
    if (c == nullptr) {
      throw cert::unsupportedCertificateTypeException(
          chain.getAt(i)->getType());
    }
    const vmime::byteArray der = c->getEncoded();
    gnutls_x509_crt_t raw = nullptr;
    if (gnutls_x509_crt_init(&raw) < 0) Reject("out of memory");
    Crt crt(raw);
    const gnutls_datum_t datum = Datum(std::string_view(
        reinterpret_cast<const char*>(der.data()), der.size()));
    if (int rc = gnutls_x509_crt_import(raw, &datum, GNUTLS_X509_FMT_DER);
        rc < 0) {
      Reject(fmt::format("certificate #{} of the chain does not parse: {}",
                         i + 1, gnutls_strerror(rc)));
    }
    out.push_back(std::move(crt));
  }
  return out;
}

// A distinguished name, as RFC 4514 writes it; the server chose it, so it is
// cut short and stripped of control characters.
std::string Name(gnutls_x509_crt_t crt, bool issuer) {
  gnutls_datum_t dn{};
  const int rc = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &dn, 0)
                        : gnutls_x509_crt_get_dn3(crt, &dn, 0);
  if (rc < 0) return "?";
  std::string out = core::Excerpt(
      std::string_view(reinterpret_cast<const char*>(dn.data), dn.size), 80);
  gnutls_free(dn.data);
  return out;
}

// gnutls_verify_output_function has no user pointer: the first certificate
// that failed during this thread's current verification is noted here.
thread_local std::string* t_failed = nullptr;

int NoteFailure(gnutls_x509_crt_t crt, gnutls_x509_crt_t, gnutls_x509_crl_t,
                unsigned status) {
  if (status != 0 && t_failed != nullptr && t_failed->empty())
    *t_failed = Name(crt, false);
  return 0;
}

// GnuTLS's verdict in our words, most telling first.
std::string Reasons(unsigned status, const std::string& host) {
  static constexpr std::pair<unsigned, const char*> kReasons[] = {
      {GNUTLS_CERT_SIGNER_NOT_FOUND,
       "it does not lead to a trusted root (tls_ca_file or system CAs)"},
      {GNUTLS_CERT_SIGNATURE_FAILURE,
       "its signature does not verify with its issuer's key"},
      {GNUTLS_CERT_SIGNER_NOT_CA,
       "it is signed by a certificate that is not a CA"},
      {GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE,
       "an issuer's constraints forbid it (key usage, path length or name "
       "constraints)"},
      {GNUTLS_CERT_REVOKED, "it is revoked (a CRL of the CA file)"},
      {GNUTLS_CERT_EXPIRED, "it has expired"},
      {GNUTLS_CERT_NOT_ACTIVATED, "it is not valid yet"},
      {GNUTLS_CERT_INSECURE_ALGORITHM, "it uses an insecure algorithm"},
      {GNUTLS_CERT_PURPOSE_MISMATCH,
       "it is not meant for a TLS server (extended key usage)"},
      {GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS,
       "it has a critical extension that GnuTLS does not know"},
  };
  std::vector<std::string> out;
  for (const auto& [bit, text] : kReasons)
    if (status & bit) out.emplace_back(text);
  if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
    out.push_back("it is not valid for host '" + host + "'");
  if (out.empty()) out.push_back(fmt::format("GnuTLS status {:#x}", status));
  return fmt::format("{}", fmt::join(out, "; "));
}

}  // namespace

TrustList::~TrustList() { gnutls_x509_trust_list_deinit(list_, 1); }

Result<std::shared_ptr<const TrustList>> TrustList::Load(
    const std::string& path) {
  auto text = util::ReadFileLimited(path, core::kMaxCaFileBytes, "CA file");
  if (!text) return Fail(ErrorKind::kConfig, text.error().message);
  return FromPem(*text, path);
}

Result<std::shared_ptr<const TrustList>> TrustList::FromPem(
    std::string_view pem, const std::string& name) {
  gnutls_x509_trust_list_t raw = nullptr;
  if (gnutls_x509_trust_list_init(&raw, 0) < 0)
    return Fail(ErrorKind::kInternal, "GnuTLS: cannot make a trust list");
  std::shared_ptr<TrustList> list(new TrustList(raw));
  const gnutls_datum_t data = Datum(pem);
  // Certificates first: the CRLs are checked against them.
  int rc = gnutls_x509_trust_list_add_trust_mem(
      raw, &data, nullptr, GNUTLS_X509_FMT_PEM, GNUTLS_TL_NO_DUPLICATES, 0);
  if (rc == 0 || rc == GNUTLS_E_NO_CERTIFICATE_FOUND)
    return Fail(ErrorKind::kConfig, "no certificate in CA file " + name);
  if (rc < 0) {
    return Fail(ErrorKind::kConfig,
                fmt::format("CA file {}: {}", name, gnutls_strerror(rc)));
  }
  list->certificates_ = static_cast<size_t>(rc);
  if (pem.find(kCrlBegin) != std::string_view::npos) {
    rc = gnutls_x509_trust_list_add_trust_mem(
        raw, nullptr, &data, GNUTLS_X509_FMT_PEM,
        GNUTLS_TL_VERIFY_CRL | GNUTLS_TL_FAIL_ON_INVALID_CRL, 0);
    if (rc < 0) {
      return Fail(ErrorKind::kConfig,
                  fmt::format("CA file {}: a CRL is refused: {}", name,
                              gnutls_strerror(rc)));
    }
    list->crls_ = static_cast<size_t>(rc);
  }
  return list;
}

StrictCertificateVerifier::StrictCertificateVerifier(
    std::string host, std::shared_ptr<const TrustList> trust)
    : host_(std::move(host)), trust_(std::move(trust)) {}

void StrictCertificateVerifier::verify(
    std::shared_ptr<cert::certificateChain> chain,
    const std::string& /*reported_host*/) {
  if (chain == nullptr || chain->getCount() == 0) {
    Reject("the server sent no certificate");
  }
  std::vector<Crt> crts = ToGnutls(*chain);
  std::vector<gnutls_x509_crt_t> list;
  for (const Crt& c : crts) list.push_back(c.get());
  gnutls_typed_vdata_st data[] = {
      {GNUTLS_DT_DNS_HOSTNAME,
       reinterpret_cast<unsigned char*>(const_cast<char*>(host_.c_str())), 0},
      {GNUTLS_DT_KEY_PURPOSE_OID,
       reinterpret_cast<unsigned char*>(
           const_cast<char*>(GNUTLS_KP_TLS_WWW_SERVER)),
       0}};
  unsigned status = 0;
  std::string failed;
  t_failed = &failed;
  const int rc = gnutls_x509_trust_list_verify_crt2(
      trust_->get(), list.data(), static_cast<unsigned>(list.size()), data, 2,
      0, &status, NoteFailure);
  t_failed = nullptr;
  if (rc < 0)
    Reject(std::string("GnuTLS cannot verify: ") + gnutls_strerror(rc));
  if (status == 0) return;
  std::string who = "the server certificate (" + Name(list[0], false) +
                    ", issued by " + Name(list[0], true) + ")";
  if (!failed.empty() && failed != Name(list[0], false))
    who += ", at " + failed + " in its chain,";
  Reject(who + " is refused: " + Reasons(status, host_));
}

Result<std::shared_ptr<StrictCertificateVerifier>> MakeCertificateVerifier(
    const std::string& host, const std::string& ca_file) {
  auto trust = TrustList::Load(ca_file.empty() ? kSystemCaBundle : ca_file);
  CT_TRY(trust);
  return std::make_shared<StrictCertificateVerifier>(host, std::move(*trust));
}

}  // namespace ct::mail
