#include "mail/tls.h"

#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>
#include <vmime/security/cert/certificateException.hpp>
#include <vmime/security/cert/unsupportedCertificateTypeException.hpp>

#include "core/limits.h"
#include "util/read_file.h"

namespace ct::mail {
namespace {

namespace cert = vmime::security::cert;

constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kEnd = "-----END CERTIFICATE-----";

// A name for error messages: the position in the chain and the SHA-1
// fingerprint (vmime 0.9.2 declares getIssuerString() but does not export
// it, and has no accessor for the subject).
std::string Describe(const std::vector<X509Ptr>& chain, size_t index) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string fingerprint;
  for (vmime::byte_t b :
       chain[index]->getFingerprint(cert::X509Certificate::DIGEST_SHA1)) {
    if (!fingerprint.empty()) fingerprint += ':';
    fingerprint += kHex[b >> 4];
    fingerprint += kHex[b & 15];
  }
  return (index == 0
              ? std::string("the server certificate")
              : "certificate #" + std::to_string(index) + " of the chain") +
         " (SHA-1 " + fingerprint + ")";
}

[[noreturn]] void Reject(const std::string& why) {
  throw cert::certificateException(why);
}

}  // namespace

Result<std::vector<X509Ptr>> LoadCertificates(const std::string& path) {
  auto text = util::ReadFileLimited(path, core::kMaxCaFileBytes, "CA file");
  if (!text) return Fail(ErrorKind::kConfig, text.error().message);
  const std::string& pem = *text;
  std::vector<X509Ptr> certs;
  size_t pos = 0;
  while ((pos = pem.find(kBegin, pos)) != std::string::npos) {
    const size_t end = pem.find(kEnd, pos);
    if (end == std::string::npos) {
      return Fail(ErrorKind::kConfig, "unterminated certificate in " + path);
    }
    const size_t stop = end + kEnd.size();
    // One block at a time: vmime's import() would read only the first.
    X509Ptr c = cert::X509Certificate::import(
        reinterpret_cast<const vmime::byte_t*>(pem.data() + pos), stop - pos);
    if (c == nullptr) {
      return Fail(ErrorKind::kConfig, "certificate #" +
                                          std::to_string(certs.size() + 1) +
                                          " in " + path + " does not parse");
    }
    certs.push_back(std::move(c));
    pos = stop;
  }
  if (certs.empty()) {
    return Fail(ErrorKind::kConfig, "no certificate in CA file " + path);
  }
  return certs;
}

StrictCertificateVerifier::StrictCertificateVerifier(std::string host,
                                                     std::vector<X509Ptr> roots)
    : host_(std::move(host)), roots_(std::move(roots)) {}

bool StrictCertificateVerifier::IsAnchored(const X509Ptr& c) const {
  for (const X509Ptr& root : roots_) {
    // equals(): a root (or a pinned self-signed server certificate, which is
    // not a CA and so cannot pass verify()) sent by the server itself.
    if (c->equals(root) || c->verify(root)) return true;
  }
  return false;
}

void StrictCertificateVerifier::verify(
    std::shared_ptr<cert::certificateChain> chain,
    const std::string& /*reported_host*/) {
  if (chain == nullptr || chain->getCount() == 0) {
    Reject("the server sent no certificate");
  }
  std::vector<X509Ptr> certs;
  for (size_t i = 0; i < chain->getCount(); ++i) {
    auto c = std::dynamic_pointer_cast<cert::X509Certificate>(chain->getAt(i));
    if (c == nullptr) {
      throw cert::unsupportedCertificateTypeException(
          chain->getAt(i)->getType());
    }
    certs.push_back(std::move(c));
  }
  // Walk up from the leaf until a certificate is signed by (or is) one of
  // our roots; each step must be a real signature by the next certificate.
  for (size_t i = 0;; ++i) {
    try {
      certs[i]->checkValidity();
    } catch (const cert::certificateException& e) {
      Reject(Describe(certs, i) + ": " + e.what());
    }
    if (IsAnchored(certs[i])) break;
    if (i + 1 == certs.size()) {
      Reject(Describe(certs, i) +
             " does not lead to a trusted root (tls_ca_file or system CAs)");
    }
    if (!certs[i]->verify(certs[i + 1])) {
      Reject(Describe(certs, i) +
             " is not signed by the next certificate of the chain");
    }
  }
  if (!certs[0]->verifyHostName(host_)) {
    Reject("the server certificate is not valid for host '" + host_ + "'");
  }
}

Result<std::shared_ptr<StrictCertificateVerifier>> MakeCertificateVerifier(
    const std::string& host, const std::string& ca_file) {
  Result<std::vector<X509Ptr>> roots =
      LoadCertificates(ca_file.empty() ? kSystemCaBundle : ca_file);
  CT_TRY(roots);
  return std::make_shared<StrictCertificateVerifier>(host, std::move(*roots));
}

}  // namespace ct::mail
