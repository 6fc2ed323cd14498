// The per-context key cache (crypto/key_cache.h). Keys
// are looked up once per GpgContext, but an answer is never stale: a key
// revoked or disabled by another process (`cybertroc keys import`, the
// operator's gpg) or by our own import is seen at the next lookup, and
// expiry is judged at each use, never cached as a flag. A key block
// offered again is not imported again while the keyring is unchanged.
//
// In-process, with real GnuPG (tests/harness keys); gpg processes counted
// from GPGME's debug log, which this test binary turns on for itself
// before GPGME starts. Skips only when gpg is missing (gpg.sh exits 77).
#include "crypto/key_cache.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "crypto/import.h"
#include "verify/gpg_signatures.h"
#include "gpgme_spawns.h"
#include "mail/compose.h"
#include "mail/mime.h"
#include "maildir_world.h"
#include "verify/signed_text.h"

namespace {

using cttest::Cmd;
using cttest::Quote;
using cttest::Shell;
using cttest::Spawn;
namespace crypto = ct::crypto;
namespace fs = std::filesystem;

// GPGME reads GPGME_DEBUG once, when it starts: set before any test runs.
const std::string kGpgmeLog =
    "/tmp/ct-keycache-gpgme-" + std::to_string(getpid()) + ".log";
const bool kGpgmeLogSet =
    setenv("GPGME_DEBUG", ("9:" + kGpgmeLog).c_str(), 1) == 0;

// ---------------------------------------------------------------- pure

crypto::KeyFacts Facts(crypto::KeyTime primary_expires,
                       crypto::KeyTime encr_expires) {
  crypto::KeyFacts f;
  f.subkeys.push_back(
      {.fingerprint = std::string(40, 'A'), .expires = primary_expires});
  f.subkeys.push_back({.fingerprint = std::string(24, 'B') + "0123456789ABCDEF",
                       .can_encrypt = true,
                       .expires = encr_expires});
  return f;
}

TEST(KeyFactsTest, ExpiryIsJudgedAgainstTheTimeOfUse) {
  const crypto::KeyFacts f = Facts(1000, 500);
  EXPECT_TRUE(f.UsableAt(999));
  EXPECT_FALSE(f.UsableAt(1000));
  EXPECT_TRUE(f.CanEncryptAt(499));
  EXPECT_FALSE(f.CanEncryptAt(500)) << "the encryption subkey has expired";
  EXPECT_TRUE(Facts(0, 0).CanEncryptAt(4'000'000'000)) << "0: never expires";
}

TEST(KeyFactsTest, RevokedOrDisabledKeysAndSubkeysAreNotUsable) {
  crypto::KeyFacts f = Facts(0, 0);
  f.subkeys[1].revoked = true;
  EXPECT_TRUE(f.UsableAt(1));
  EXPECT_FALSE(f.CanEncryptAt(1));
  f = Facts(0, 0);
  f.disabled = true;
  EXPECT_FALSE(f.UsableAt(1));
  f = Facts(0, 0);
  f.revoked = true;
  EXPECT_FALSE(f.UsableAt(1));
}

TEST(KeyFactsTest, HoldsPrimarySubkeysAndKeyIds) {
  const crypto::KeyFacts f = Facts(0, 0);
  EXPECT_EQ(f.primary(), std::string(40, 'A'));
  EXPECT_TRUE(f.Holds(std::string(40, 'A')));
  EXPECT_TRUE(f.Holds(std::string(24, 'B') + "0123456789ABCDEF"));
  EXPECT_TRUE(f.Holds("0123456789ABCDEF")) << "a 16-digit key ID";
  EXPECT_FALSE(f.Holds("456789ABCDEF")) << "not any suffix";
  EXPECT_FALSE(f.Holds(""));
}

// ---------------------------------------------------------------- GnuPG

class KeyCacheTest : public cttest::KeyWorldSuite<KeyCacheTest> {
 public:
  static constexpr const char* kWorldLabel = "keycache";

 protected:
  static void TearDownTestSuite() {
    KeyWorldSuite::TearDownTestSuite();
    std::remove(kGpgmeLog.c_str());
  }

  void SetUp() override {
    ASSERT_TRUE(kGpgmeLogSet);
    KeyWorldSuite::SetUp();
    if (Stopped()) return;
    static int count = 0;
    // The escrow's home with alice's public key added.
    home_ = world_->NewEscrowHome("k" + std::to_string(++count));
    Gpg("--import " + Quote(Pub("alice")));
    // gpg rebuilds its trust database at the first operation after an
    // import, which the cache rightly sees as a change: done here first.
    Gpg("--check-trustdb");
    offset_ = cttest::FileSize(kGpgmeLog);
  }

  fs::path Pub(const std::string& name) const {
    return world_->gnupg_dir() / "pub" / (name + ".asc");
  }

  // gpg in the test home, as another process (the operator) would run it.
  void Gpg(const std::string& args) const {
    Cmd gpg = Shell("gpg --homedir " + Quote(home_) +
                    " --batch --yes --quiet " + args + " 2>&1");
    ASSERT_EQ(gpg.status, 0) << args << ": " << gpg.All();
  }

  // The revocation certificate gpg wrote for NAME when it made the key.
  fs::path Revocation(const std::string& name) const {
    std::string rev =
        cttest::ReadFile(world_->gnupg_dir() / "openpgp-revocs.d" /
                         (world_->Fpr(name) + ".rev"));
    const size_t at = rev.find(":-----BEGIN");
    if (at != std::string::npos) rev.erase(at, 1);
    const fs::path file = home_ / (name + ".rev");
    cttest::WriteFile(file, rev);
    return file;
  }

  // NAME's public key with its revocation, as NAME would send it.
  std::string RevokedKey(const std::string& name) const {
    const fs::path scratch = home_ / ("scratch-" + name);
    fs::create_directories(scratch);
    fs::permissions(scratch, fs::perms::owner_all);
    const std::string gpg =
        "gpg --homedir " + Quote(scratch) + " --batch --quiet ";
    Cmd exported = Shell(gpg + "--import " + Quote(Pub(name)) + " " +
                         Quote(Revocation(name)) + " 2>/dev/null && " + gpg +
                         "--armor --export " + world_->Fpr(name));
    Shell("gpgconf --homedir " + Quote(scratch) + " --kill all");
    EXPECT_EQ(exported.status, 0) << exported.All();
    return exported.out;
  }

  bool Usable(crypto::GpgContext& gpg, const std::string& fpr) {
    auto key = crypto::LookupKey(gpg, fpr);
    EXPECT_TRUE(key.has_value()) << key.error().message;
    return key && *key && (*key)->usable;
  }

  // Spawns logged since the last call.
  std::vector<Spawn> NewSpawns() {
    auto spawns = cttest::SpawnsInFile(kGpgmeLog, offset_);
    offset_ = cttest::FileSize(kGpgmeLog);
    return spawns;
  }

  fs::path home_;
  size_t offset_ = 0;
};

TEST_F(KeyCacheTest, AKeyIsListedOnceByPrimaryOrSubkeyFingerprint) {
  auto gpg = crypto::GpgContext::Open(home_);
  ASSERT_TRUE(gpg.has_value());
  EXPECT_TRUE(NewSpawns().empty()) << "opening starts nothing";
  auto by_subkey = crypto::PublicKey(*gpg, world_->Fpr("alice_subkey"));
  ASSERT_TRUE(by_subkey.has_value() && *by_subkey);
  EXPECT_EQ((*by_subkey)->facts.primary(), world_->Fpr("alice"));
  EXPECT_EQ((*by_subkey)->facts.emails,
            std::vector<std::string>{"alice@example.test"});
  auto first = NewSpawns();
  EXPECT_EQ(CountIf(first, std::mem_fn(&Spawn::IsKeyListing)), 1)
      << cttest::Describe(first);
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(Usable(*gpg, world_->Fpr("alice")));
    auto again = crypto::PublicKey(*gpg, world_->Fpr("alice_subkey"));
    ASSERT_TRUE(again.has_value() && *again);
  }
  auto later = NewSpawns();
  EXPECT_TRUE(later.empty()) << cttest::Describe(later);
  // Not hexadecimal, or empty: no listing of everything.
  for (const char* id : {"", "alice@example.test", "ABCD"}) {
    auto none = crypto::PublicKey(*gpg, id);
    ASSERT_TRUE(none.has_value());
    EXPECT_EQ(*none, nullptr) << id;
  }
  EXPECT_TRUE(NewSpawns().empty());
}

// The operator revokes a key with gpg while the cache holds it.
TEST_F(KeyCacheTest, AKeyRevokedByAnotherProcessIsSeenAtTheNextLookup) {
  const fs::path signed_mail = home_ / "signed.eml";
  world_->Clearsign("alice", "hello\n", signed_mail);
  // The entity views these bytes: they must outlive it.
  const std::string raw = cttest::ReadFile(signed_mail);
  const ct::mail::Entity mail = ct::mail::ParseEntity(raw);
  auto gpg = crypto::GpgContext::Open(home_);
  ASSERT_TRUE(gpg.has_value());
  auto before = ct::verify::VerifyMessage(*gpg, mail, 1 << 20);
  ASSERT_TRUE(before.has_value()) << before.error().message;
  EXPECT_EQ(before->fingerprint, world_->Fpr("alice"));
  ASSERT_TRUE(Usable(*gpg, world_->Fpr("alice")));
  Gpg("--import " + Quote(Revocation("alice")));
  EXPECT_FALSE(Usable(*gpg, world_->Fpr("alice")));
  auto after = ct::verify::VerifyMessage(*gpg, mail, 1 << 20);
  ASSERT_FALSE(after.has_value());
  EXPECT_NE(after.error().message.find("revoked"), std::string::npos)
      << after.error().message;
}

// `disabled` lives in the trust database, not in the public keyring.
TEST_F(KeyCacheTest, AKeyDisabledByAnotherProcessIsSeenAtTheNextLookup) {
  auto gpg = crypto::GpgContext::Open(home_);
  ASSERT_TRUE(gpg.has_value());
  ASSERT_TRUE(Usable(*gpg, world_->Fpr("alice")));
  Gpg("--edit-key " + world_->Fpr("alice") + " disable save");
  EXPECT_FALSE(Usable(*gpg, world_->Fpr("alice")));
}

// Our own import (a revocation arriving by mail) drops what it changed.
TEST_F(KeyCacheTest, AnImportDropsTheKeysItChanged) {
  auto gpg = crypto::GpgContext::Open(home_);
  ASSERT_TRUE(gpg.has_value());
  ASSERT_TRUE(Usable(*gpg, world_->Fpr("alice")));
  auto imported = crypto::ImportKeys(*gpg, RevokedKey("alice"));
  ASSERT_TRUE(imported.has_value()) << imported.error().message;
  EXPECT_FALSE(Usable(*gpg, world_->Fpr("alice")));
}

// A key that expires while cached is reported expired, without a listing.
TEST_F(KeyCacheTest, ExpiryIsJudgedAtEachUseNotCached) {
  constexpr int kLifetime = 8;
  Gpg("--passphrase '' --quick-generate-key 'Brief <brief@example.test>' "
      "ed25519 sign,cert seconds=" +
      std::to_string(kLifetime));
  Cmd list = Shell("gpg --homedir " + Quote(home_) +
                   " --batch --with-colons --list-keys brief@example.test");
  const auto fprs = cttest::AllMatches(list.out, R"(\nfpr:+([0-9A-F]{40}):)");
  ASSERT_EQ(fprs.size(), 1u) << list.All();
  auto gpg = crypto::GpgContext::Open(home_);
  ASSERT_TRUE(gpg.has_value());
  auto key = crypto::PublicKey(*gpg, fprs[0]);
  ASSERT_TRUE(key.has_value() && *key);
  const crypto::KeyTime expires = (*key)->facts.subkeys.at(0).expires;
  ASSERT_GT(expires, crypto::KeyClockNow())
      << "the machine took more than " << kLifetime << " s to get here";
  EXPECT_TRUE(Usable(*gpg, fprs[0]));
  NewSpawns();
  while (crypto::KeyClockNow() <= expires)
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_FALSE(Usable(*gpg, fprs[0]));
  auto spawns = NewSpawns();
  EXPECT_TRUE(spawns.empty())
      << "judged from the cache: " << cttest::Describe(spawns);
}

// alice's client sends her key with every mail (Autocrypt).
TEST_F(KeyCacheTest, TheSameKeyBlockIsImportedOncePerKeyringState) {
  const std::string header = world_->AutocryptHeader("alice");
  std::string folded;
  for (char c : header)
    folded += c == '\n' ? std::string("\r\n") : std::string(1, c);
  // The entity views these bytes: they must outlive it.
  const std::string raw = "From: alice@example.test\r\n" + folded +
                          "\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
  const ct::mail::Entity mail = ct::mail::ParseEntity(raw);
  Gpg("--delete-keys " + world_->Fpr("alice"));  // she arrives by mail
  auto gpg = crypto::GpgContext::Open(home_);
  ASSERT_TRUE(gpg.has_value());
  NewSpawns();
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(ct::verify::ImportOfferedKeys(*gpg, mail), 1);
  auto spawns = NewSpawns();
  EXPECT_EQ(CountIf(spawns, std::mem_fn(&Spawn::IsImport)), 1)
      << cttest::Describe(spawns);
  EXPECT_TRUE(Usable(*gpg, world_->Fpr("alice")));
  // The operator deletes her key: the block is imported again.
  Gpg("--delete-keys " + world_->Fpr("alice"));
  EXPECT_EQ(ct::verify::ImportOfferedKeys(*gpg, mail), 1);
  EXPECT_TRUE(Usable(*gpg, world_->Fpr("alice")));
  spawns = NewSpawns();
  EXPECT_EQ(CountIf(spawns, std::mem_fn(&Spawn::IsImport)), 1)
      << cttest::Describe(spawns);
}

// The escrow's secret key is found once, not once per mail.
TEST_F(KeyCacheTest, TheSignerIsFoundOnceForEveryMail) {
  auto gpg = crypto::GpgContext::Open(home_);
  ASSERT_TRUE(gpg.has_value());
  ct::mail::OutgoingMail m;
  m.from = "CyberTroc <escrow@example.test>";
  m.to = "alice@example.test";
  m.subject = "[CT-7K3QX9A2] test";
  m.body = "hello\n";
  m.message_id = "<1@example.test>";
  m.auto_submitted = "auto-generated";
  m.loop_token = "escrow@example.test";
  for (int i = 0; i < 3; ++i) {
    for (const auto& to :
         {std::vector<std::string>{}, std::vector{world_->Fpr("alice")}}) {
      auto raw = ct::mail::Compose(*gpg, m, world_->Fpr("escrow"), to);
      ASSERT_TRUE(raw.has_value()) << raw.error().message;
      EXPECT_NE(
          raw->find(to.empty() ? "multipart/signed" : "multipart/encrypted"),
          std::string::npos);
    }
  }
  auto spawns = NewSpawns();
  SCOPED_TRACE(cttest::Describe(spawns));
  EXPECT_EQ(CountIf(spawns,
                    [](const Spawn& s) { return s.Has("--list-secret-keys"); }),
            1);
  EXPECT_EQ(CountIf(spawns, std::mem_fn(&Spawn::IsSignOnly)), 3);
  EXPECT_EQ(CountIf(spawns, std::mem_fn(&Spawn::IsSignEncrypt)), 3);
  // A signer that is not here is the operator's problem, said as such.
  auto missing = ct::mail::Compose(*gpg, m, world_->Fpr("alice"), {});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ct::ErrorKind::kConfig);
}

}  // namespace
