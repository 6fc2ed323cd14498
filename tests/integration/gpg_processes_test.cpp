// The GnuPG floor. A clear-signed offer costs one
// `gpg --verify`, and each notification one `gpg --encrypt --sign` (RFC
// 3156 section 6.2: signed and encrypted in one operation) or, for a
// recipient without a key, one detached signature; keys are looked up once
// per run, an Autocrypt key block sent with every mail is imported once,
// and a run with nothing to do starts no gpg process at all. Before: ~15
// processes per offer (a fresh engine, `gpg --version`, and key listings
// for every lookup).
//
// The notifications must stay readable: plain `gpg --decrypt` in the
// recipient's home shows the escrow's good signature (VALIDSIG), as mutt,
// neomutt and Thunderbird read it, and our own inbound verifier accepts the
// combined form too.
//
// Real GnuPG (tests/harness keys, `gpg --clearsign`), the built binary on a
// maildir inbox and a dir:// outbox; processes counted from GPGME's debug
// log (GPGME_DEBUG). Skips only when gpg is missing (gpg.sh exits 77).
#include <gtest/gtest.h>

#include <memory>

#include "crypto/gpg_context.h"
#include "gpgme_spawns.h"
#include "mail/mime.h"
#include "received_mail.h"
#include "verify/signed_text.h"

namespace {

using cttest::Cmd;
using cttest::JsonInt;
using cttest::MaildirInstance;
using cttest::ReadFile;
using cttest::Spawn;
namespace fs = std::filesystem;

constexpr int kOffers = 5;

class GpgProcessesTest : public cttest::KeyWorldSuite<GpgProcessesTest> {
 public:
  static constexpr const char* kWorldLabel = "gpgproc";

 protected:
  void SetUp() override {
    KeyWorldSuite::SetUp();
    if (Stopped()) return;
    // One worker: the counts below are per message for one GnuPG context (the
    // floor a run is measured against); every further worker pays its own
    // engine set-up and key listings once.
    StartInstance("p", "[inbox]\nworkers = 1\n");
    now_ = std::time(nullptr);
  }

  static std::string Offer(int i) {
    return "CT 10 SALE\nbuyer: bob@example.test\nitem: Record " +
           std::to_string(i) +
           "\nprice: 25,00 EUR\nshipping: 5.00\ndelivery: post\nlang: en\n";
  }

  // `cybertroc --json run` with GPGME's debug log in `log`.
  Cmd RunLogged(const fs::path& log) {
    return ct_->Run({"--json", "run"}, now_,
                    "GPGME_DEBUG=9:" + cttest::Quote(log.string()));
  }

  // The messages the run wrote to the dir:// outbox.
  std::vector<fs::path> Outbox() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(ct_->dir() / "out"))
      if (entry.path().extension() == ".eml") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    return files;
  }

  std::time_t now_ = 0;
};

// The problem: 15 gpg processes per offer. Now the floor: one verification
// per offer, one signing operation per notification, plus a constant.
TEST_F(GpgProcessesTest, Issue9AnOfferCostsOneVerifyAndOneOperationPerMail) {
  // alice offers her key in every mail (Autocrypt), as her client does;
  // bob's key is unknown here: his notifications are signed only.
  for (int i = 0; i < kOffers; ++i) {
    const fs::path file = ct_->dir() / ("m" + std::to_string(i) + ".eml");
    world_->Clearsign("alice", Offer(i), file, 0,
                      world_->AutocryptHeader("alice"));
    ct_->Deliver(file);
  }
  const fs::path log = ct_->dir() / "gpgme.log";
  Cmd run = RunLogged(log);
  ASSERT_EQ(run.status, 0) << run.All();
  ASSERT_EQ(JsonInt(run.out, "applied"), kOffers) << run.out;
  const long sent = JsonInt(run.out, "sent");
  const auto spawns = cttest::SpawnsInFile(log.string());
  SCOPED_TRACE("gpg processes:\n" + cttest::Describe(spawns));

  int to_alice = 0, to_bob = 0;
  for (const fs::path& file : Outbox()) {
    const std::string to = cttest::HeaderValue(ReadFile(file), "To");
    to_alice += to == "alice@example.test";
    to_bob += to == "bob@example.test";
  }
  ASSERT_GE(to_alice, kOffers);
  ASSERT_GE(to_bob, kOffers);
  EXPECT_EQ(to_alice + to_bob, sent);

  EXPECT_EQ(CountIf(spawns, std::mem_fn(&Spawn::IsVerify)), kOffers);
  EXPECT_EQ(CountIf(spawns, std::mem_fn(&Spawn::IsSignEncrypt)), to_alice);
  EXPECT_EQ(CountIf(spawns, std::mem_fn(&Spawn::IsSignOnly)), to_bob);
  EXPECT_EQ(CountIf(spawns, std::mem_fn(&Spawn::IsEncryptOnly)), 0);
  EXPECT_EQ(CountIf(spawns, std::mem_fn(&Spawn::IsImport)), 1)
      << "the same key block is imported once";
  // alice's key (by her signing subkey) and the escrow's secret key; gpg
  // rebuilds its trust database after the import, and the cache then
  // starts again once. The GnuPG runner (crypto/runner.h) looks up the
  // signer and alice's key once more for itself.
  EXPECT_LE(CountIf(spawns, std::mem_fn(&Spawn::IsKeyListing)), 6);
  // One engine set-up for the run, not one per lookup: cybertroc's own
  // (key listings, imports) and the runner's (GPGME_DEBUG reaches it too).
  EXPECT_LE(CountIf(spawns, std::mem_fn(&Spawn::IsSetUp)), 16);
  const long needed = kOffers + sent;
  EXPECT_LE(static_cast<long>(spawns.size()), needed + 23)
      << "needed: " << needed;
}

// An idle `run` (every 5 minutes from cron) set up a GnuPG engine for
// nothing: 6 processes. Now none.
TEST_F(GpgProcessesTest, Issue9AnIdleRunStartsNoGpgProcess) {
  const fs::path log = ct_->dir() / "gpgme-idle.log";
  Cmd run = RunLogged(log);
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "applied"), 0) << run.out;
  const auto spawns = cttest::SpawnsInFile(log.string());
  EXPECT_TRUE(spawns.empty()) << cttest::Describe(spawns);
}

// RFC 3156 section 6.2: what alice receives decrypts and verifies with
// plain gpg in her own home (the signer taken from VALIDSIG, as mail
// clients do), and our own verifier accepts it as it accepts Thunderbird's;
// bob, without a key here, gets multipart/signed, verified with gpg too.
TEST_F(GpgProcessesTest, Issue9CombinedMailDecryptsAndVerifiesWithGpg) {
  const fs::path file = ct_->dir() / "offer.eml";
  world_->Clearsign("alice", Offer(1), file, 0,
                    world_->AutocryptHeader("alice"));
  ct_->Deliver(file);
  Cmd run = ct_->Run({"--json", "run"}, now_);
  ASSERT_EQ(run.status, 0) << run.All();
  ASSERT_EQ(JsonInt(run.out, "applied"), 1) << run.out;
  const auto deal = ct_->Sql("SELECT id FROM deals");
  ASSERT_EQ(deal.size(), 1u);

  int combined = 0, signed_only = 0;
  for (const fs::path& mail : Outbox()) {
    SCOPED_TRACE(mail.string());
    const std::string raw = ReadFile(mail);
    const std::string to = cttest::HeaderValue(raw, "To");
    const std::string name = to.substr(0, to.find('@'));
    const cttest::Received r =
        cttest::OpenMail(mail, world_->PartyHome(name), ct_->dir());
    EXPECT_EQ(r.problem, "");
    EXPECT_EQ(r.signer, world_->Fpr("escrow"));
    EXPECT_NE(r.text.find(deal[0]), std::string::npos) << r.text;
    if (name == "bob") {
      EXPECT_FALSE(r.encrypted);
      ++signed_only;
      continue;
    }
    EXPECT_TRUE(r.encrypted);
    EXPECT_TRUE(r.combined) << "signed and encrypted in one OpenPGP message";
    ++combined;
    // Our inbound verifier, in alice's home (her key decrypts).
    auto gpg = ct::crypto::GpgContext::Open(world_->PartyHome("alice"));
    ASSERT_TRUE(gpg.has_value());
    auto verified =
        ct::verify::VerifyMessage(*gpg, ct::mail::ParseEntity(raw), 1 << 20);
    ASSERT_TRUE(verified.has_value()) << verified.error().message;
    EXPECT_TRUE(verified->encrypted);
    EXPECT_EQ(verified->fingerprint, world_->Fpr("escrow"));
    EXPECT_EQ(cttest::ToLf(verified->text), r.text);
  }
  EXPECT_GE(combined, 1);
  EXPECT_GE(signed_only, 1);
  // Tampering with the ciphertext is not silently accepted.
  for (const fs::path& mail : Outbox()) {
    std::string raw = ReadFile(mail);
    if (cttest::HeaderValue(raw, "To") != "alice@example.test") continue;
    const size_t armor = raw.find("-----BEGIN PGP MESSAGE-----");
    ASSERT_NE(armor, std::string::npos);
    const size_t data = raw.find("\r\n\r\n", armor);  // after armor headers
    ASSERT_NE(data, std::string::npos);
    const size_t at = data + 4 + 20;  // inside the first line of base64
    raw[at] = raw[at] == 'A' ? 'B' : 'A';
    cttest::WriteFile(ct_->dir() / "tampered.eml", raw);
    const cttest::Received r = cttest::OpenMail(
        ct_->dir() / "tampered.eml", world_->PartyHome("alice"), ct_->dir());
    EXPECT_EQ(r.signer, "");
    EXPECT_NE(r.problem, "");
    break;
  }
}

}  // namespace
