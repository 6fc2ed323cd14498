// StrictCertificateVerifier and TrustList on certificates made with the
// openssl command at test time; and why vmime's own verifier is not used (a
// forged leaf passes it).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <vmime/security/cert/X509Certificate.hpp>
#include <vmime/security/cert/certificateException.hpp>
#include <vmime/security/cert/defaultCertificateVerifier.hpp>

#include "mail/strict_certificate_verifier.h"
#include "mail/tls.h"
#include "mail/trust_list.h"

namespace ct::mail {
namespace {

namespace fs = std::filesystem;
namespace cert = vmime::security::cert;

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) return;
    std::string pattern =
        (fs::temp_directory_path() / "mail_tls_test.XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return;
    dir_ = new std::string(pattern);
    ready_ = MakeCertificates();
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) fs::remove_all(*dir_);
  }
  void SetUp() override {
    if (!ready_) GTEST_SKIP() << "openssl cannot make test certificates here";
  }

  static bool Sh(const std::string& script) {
    const std::string command =
        "cd '" + *dir_ + "' && bash -euc '" + script + "' >/dev/null 2>&1";
    return std::system(command.c_str()) == 0;
  }

  // root CA, intermediate CA, leaves, a forged leaf, an expired leaf, and
  // a leaf (not a CA) that signed another leaf.
  static bool MakeCertificates() {
    const std::string ec =
        "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const std::string ca_ext =
        "-addext basicConstraints=critical,CA:TRUE "
        "-addext keyUsage=critical,keyCertSign,cRLSign";
    // Signs NAME.csr with CA into NAME.crt with the extensions in NAME.ext.
    const std::string sign =
        "sign() { openssl x509 -req -in $1.csr -CA $2.crt -CAkey $2.key "
        "-CAcreateserial -days 3 -out $1.crt -extfile $1.ext; }; ";
    const std::string leaf_ext =
        "printf \"subjectAltName=DNS:mail.example.test,IP:127.0.0.1\\n"
        "basicConstraints=critical,CA:FALSE\\n\" > leaf.ext; ";
    return Sh("openssl req -x509 " + ec +
              " -keyout root.key -out root.crt "
              "-days 3 -subj /CN=Test-Root " +
              ca_ext) &&
           // The same name as the root, another key: what a forger has.
           Sh("openssl req -x509 " + ec +
              " -keyout fake.key -out fake.crt "
              "-days 3 -subj /CN=Test-Root " +
              ca_ext) &&
           Sh(leaf_ext + sign + "openssl req -new " + ec +
              " -keyout leaf.key -out leaf.csr "
              "-subj /CN=mail.example.test && sign leaf root && "
              // No authority key id: GnuTLS then matches issuers by name.
              "cp leaf.ext forged.ext && "
              "echo authorityKeyIdentifier=none >> forged.ext && "
              "openssl req -new " +
              ec +
              " -keyout forged.key -out forged.csr "
              "-subj /CN=mail.example.test && sign forged fake") &&
           Sh(sign +
              "printf \"basicConstraints=critical,CA:TRUE\\n"
              "keyUsage=critical,keyCertSign\\n\" > inter.ext && "
              "openssl req -new " +
              ec +
              " -keyout inter.key -out inter.csr "
              "-subj /CN=Test-Intermediate && sign inter root && " +
              leaf_ext +
              "cp leaf.ext leaf2.ext && "
              "openssl req -new " +
              ec +
              " -keyout leaf2.key -out leaf2.csr "
              "-subj /CN=mail.example.test && sign leaf2 inter") &&
           // A leaf that is not a CA signing another leaf.
           Sh(sign + leaf_ext +
              "cp leaf.ext byleaf.ext && "
              "openssl req -new " +
              ec +
              " -keyout byleaf.key -out byleaf.csr "
              "-subj /CN=mail.example.test && sign byleaf leaf") &&
           // Expired: `openssl ca` is the only tool here that backdates.
           Sh(leaf_ext +
              "touch index.txt && echo 01 > serial && "
              "printf \"[ca]\\ndefault_ca=d\\n[d]\\ndatabase=index.txt\\n"
              "new_certs_dir=.\\nserial=serial\\ndefault_md=sha256\\n"
              "policy=p\\n[p]\\ncommonName=supplied\\n\" > ca.cnf && "
              "openssl req -new " +
              ec +
              " -keyout old.key -out old.csr "
              "-subj /CN=mail.example.test && "
              "openssl ca -batch -config ca.cnf -cert root.crt -keyfile "
              "root.key "
              "-in old.csr -out old.crt -extfile leaf.ext "
              "-startdate 20200101000000Z -enddate 20200102000000Z -notext") &&
           MakeConstrainedCertificates();
  }

  // A CRL of the root revoking `leaf`; a CA whose name constraints leave
  // out example.test; a CA whose key usage does not allow signing
  // certificates; a leaf only meant for TLS clients. Each signs a leaf for
  // mail.example.test that the checks GnuTLS adds must refuse.
  static bool MakeConstrainedCertificates() {
    const std::string ec =
        "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const std::string sign =
        "sign() { openssl x509 -req -in $1.csr -CA $2.crt -CAkey $2.key "
        "-CAcreateserial -days 3 -out $1.crt -extfile $1.ext; }; ";
    // NAME [EXTRA-EXTENSION] [ISSUER]: a leaf for mail.example.test.
    const std::string leaf =
        "leaf() { printf \"subjectAltName=DNS:mail.example.test\\n"
        "basicConstraints=critical,CA:FALSE\\n$2\\n\" > $1.ext && "
        "openssl req -new " +
        ec +
        " -keyout $1.key -out $1.csr "
        "-subj /CN=mail.example.test && sign $1 $3; }; ";
    // NAME EXTENSIONS: a CA signed by the root.
    const std::string ca =
        "ca() { printf \"basicConstraints=critical,CA:TRUE\\n$2\\n\" > "
        "$1.ext && openssl req -new " +
        ec +
        " -keyout $1.key -out $1.csr "
        "-subj /CN=$1 && sign $1 root; }; ";
    // `old` has the same name as `leaf`: let the database hold both.
    return Sh("echo unique_subject=no > index.txt.attr && "
              "openssl ca -batch -config ca.cnf -cert root.crt -keyfile "
              "root.key -revoke leaf.crt && "
              "openssl ca -batch -config ca.cnf -cert root.crt -keyfile "
              "root.key -gencrl -crldays 3 -out root.crl") &&
           Sh(sign + leaf + ca +
              "ca named \"keyUsage=critical,keyCertSign\\n"
              "nameConstraints=critical,permitted;DNS:other.test\" && "
              "leaf outside \"\" named && "
              "ca signer \"keyUsage=critical,digitalSignature\" && "
              "leaf bysigner \"\" signer && "
              "leaf client extendedKeyUsage=clientAuth root");
  }

  static std::string Pem(const std::string& name) {
    std::ifstream in(*dir_ + "/" + name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // A certificate as vmime holds what a server sent.
  static std::shared_ptr<cert::X509Certificate> Load(const std::string& name) {
    const std::string pem = Pem(name + ".crt");
    auto c = cert::X509Certificate::import(
        reinterpret_cast<const vmime::byte_t*>(pem.data()), pem.size());
    EXPECT_NE(c, nullptr) << name;
    return c;
  }

  static std::shared_ptr<cert::certificateChain> Chain(
      const std::vector<std::string>& names) {
    std::vector<std::shared_ptr<cert::certificate>> certs;
    for (const std::string& name : names) certs.push_back(Load(name));
    return std::make_shared<cert::certificateChain>(certs);
  }

  // The trust list of the files `names` (NAME.crt unless a suffix is given).
  static std::shared_ptr<const TrustList> Trust(
      const std::vector<std::string>& names) {
    std::string pem;
    for (const std::string& name : names)
      pem += Pem(name.find('.') == std::string::npos ? name + ".crt" : name);
    auto trust = TrustList::FromPem(pem, "test roots");
    EXPECT_TRUE(trust.has_value()) << trust.error().message;
    return trust ? *trust : nullptr;
  }

  // "" when `chain` verifies for `host` with `roots`, else the reason.
  static std::string Verify(const std::vector<std::string>& chain,
                            const std::string& host,
                            const std::vector<std::string>& roots = {"root"}) {
    StrictCertificateVerifier verifier(host, Trust(roots));
    try {
      verifier.verify(Chain(chain), "reverse-dns.example");
      return "";
    } catch (const cert::certificateException& e) {
      return e.what();
    }
  }

  static std::string* dir_;
  static bool ready_;
};

std::string* TlsTest::dir_ = nullptr;
bool TlsTest::ready_ = false;

TEST_F(TlsTest, AcceptsGoodChains) {
  EXPECT_EQ(Verify({"leaf"}, "mail.example.test"), "");
  EXPECT_EQ(Verify({"leaf"}, "MAIL.Example.Test"), "");
  EXPECT_EQ(Verify({"leaf"}, "127.0.0.1"), "");
  EXPECT_EQ(Verify({"leaf", "root"}, "mail.example.test"), "");  // root sent
  EXPECT_EQ(Verify({"leaf2", "inter"}, "mail.example.test"), "");
  EXPECT_EQ(Verify({"leaf2", "inter", "root"}, "mail.example.test"), "");
  // A pinned server certificate (not a CA) as the only trust anchor.
  EXPECT_EQ(Verify({"leaf"}, "mail.example.test", {"leaf"}), "");
}

TEST_F(TlsTest, ChecksTheUrlHostNotTheReportedOne) {
  EXPECT_NE(Verify({"leaf"}, "other.example.test")
                .find("not valid for host 'other.example.test'"),
            std::string::npos);
  EXPECT_NE(Verify({"leaf"}, "127.0.0.2"), "");
  EXPECT_NE(Verify({"leaf"}, "example.test"), "");
}

TEST_F(TlsTest, RefusesWhatDoesNotLeadToARoot) {
  EXPECT_NE(Verify({"leaf2"}, "mail.example.test").find("trusted root"),
            std::string::npos);
  EXPECT_NE(Verify({"leaf"}, "mail.example.test", {"fake"}), "");
  EXPECT_NE(Verify({"leaf2", "inter"}, "mail.example.test", {"fake"}), "");
}

// The reason for StrictCertificateVerifier: a forger makes a CA with the
// real root's name, signs with it a leaf without an authority key
// identifier, and sends that leaf followed by the real root's (public)
// certificate. vmime links the two by name only and checks a signature
// only on the root.
TEST_F(TlsTest, RefusesAForgedLeafThatVmimesVerifierAccepts) {
  EXPECT_NE(Verify({"forged", "root"}, "mail.example.test")
                .find("signature does not verify"),
            std::string::npos);
  EXPECT_NE(Verify({"forged"}, "mail.example.test"), "");

  cert::defaultCertificateVerifier vmime_verifier;
  vmime_verifier.setX509RootCAs({Load("root")});
  bool vmime_accepted = true;
  try {
    vmime_verifier.verify(Chain({"forged", "root"}), "mail.example.test");
  } catch (const cert::certificateException&) {
    vmime_accepted = false;
  }
  // If this starts failing, vmime got fixed: keep ours anyway.
  EXPECT_TRUE(vmime_accepted) << "vmime's verifier now refuses the forgery";
}

TEST_F(TlsTest, RefusesALeafActingAsACa) {
  EXPECT_NE(Verify({"byleaf", "leaf"}, "mail.example.test")
                .find("signed by a certificate that is not a CA"),
            std::string::npos);
}

TEST_F(TlsTest, RefusesAnExpiredCertificate) {
  const std::string why = Verify({"old"}, "mail.example.test");
  EXPECT_NE(why, "");
  EXPECT_NE(why.find("the server certificate"), std::string::npos) << why;
  EXPECT_NE(why.find("expired"), std::string::npos) << why;
  // Pinned, it is still refused.
  EXPECT_NE(Verify({"old"}, "mail.example.test", {"old"}), "");
}

// What GnuTLS checks beyond the walk that it replaced (tls.h).
TEST_F(TlsTest, RefusesARevokedCertificate) {
  EXPECT_NE(Verify({"leaf"}, "mail.example.test", {"root", "root.crl"})
                .find("revoked"),
            std::string::npos);
  // The CRL names the leaf only.
  EXPECT_EQ(
      Verify({"leaf2", "inter"}, "mail.example.test", {"root", "root.crl"}),
      "");
  auto trust = Trust({"root", "root.crl"});
  ASSERT_NE(trust, nullptr);
  EXPECT_EQ(trust->crls(), 1u);
}

TEST_F(TlsTest, AppliesNameConstraints) {
  EXPECT_NE(
      Verify({"outside", "named"}, "mail.example.test").find("constraints"),
      std::string::npos);
}

TEST_F(TlsTest, RefusesACaWhoseKeyUsageDoesNotAllowSigning) {
  EXPECT_NE(Verify({"bysigner", "signer"}, "mail.example.test")
                .find("constraints forbid it"),
            std::string::npos);
}

TEST_F(TlsTest, RefusesALeafMeantForClientsOnly) {
  EXPECT_NE(Verify({"client"}, "mail.example.test").find("TLS server"),
            std::string::npos);
}

TEST_F(TlsTest, LoadsEveryCertificateOfABundle) {
  const std::string bundle = *dir_ + "/bundle.pem";
  {
    std::ofstream out(bundle);
    for (const char* name : {"root", "inter", "leaf"}) {
      std::ifstream in(*dir_ + "/" + name + ".crt");
      out << "# " << name << "\n" << in.rdbuf();
    }
  }
  auto trust = TrustList::Load(bundle);
  ASSERT_TRUE(trust.has_value()) << trust.error().message;
  EXPECT_EQ((*trust)->certificates(), 3u);
  EXPECT_EQ((*trust)->crls(), 0u);
  // The intermediate, second in the file, is a trust anchor too.
  EXPECT_EQ(Verify({"leaf2"}, "mail.example.test", {"bundle.pem"}), "");
}

TEST_F(TlsTest, BadCaFilesAreConfigErrors) {
  const std::string empty = *dir_ + "/empty.pem";
  std::ofstream(empty) << "no certificate here\n";
  const std::string broken = *dir_ + "/broken.pem";
  std::ofstream(broken) << "-----BEGIN CERTIFICATE-----\nAAAA\n"
                           "-----END CERTIFICATE-----\n";
  const std::string cut = *dir_ + "/cut.pem";
  std::ofstream(cut) << "-----BEGIN CERTIFICATE-----\nAAAA\n";
  const std::string half = *dir_ + "/half.pem";  // a good one, then junk
  std::ofstream(half) << Pem("root.crt") << "-----BEGIN CERTIFICATE-----\n"
                      << "AAAA\n-----END CERTIFICATE-----\n";
  for (const std::string& path :
       {empty, broken, cut, half, *dir_ + "/missing.pem"}) {
    auto trust = TrustList::Load(path);
    ASSERT_FALSE(trust.has_value()) << path;
    EXPECT_EQ(trust.error().kind, ErrorKind::kConfig);
    EXPECT_NE(trust.error().message.find(path), std::string::npos)
        << trust.error().message;
  }
}

TEST(SystemCaTest, TheSystemBundleLoads) {
  if (!fs::exists(kSystemCaBundle)) GTEST_SKIP() << "no " << kSystemCaBundle;
  auto trust = TrustList::Load(kSystemCaBundle);
  ASSERT_TRUE(trust.has_value()) << trust.error().message;
  EXPECT_GT((*trust)->certificates(), 20u);
}

}  // namespace
}  // namespace ct::mail
