// The GnuPG runner (crypto/runner.h). The hot GnuPG
// operations run in a small helper process so that GPGME's fork() copies
// that process and not cybertroc; the answers must be exactly those of
// GPGME in this process, the output caps must hold there too (a
// compressed bomb stops gpg in the runner), and a runner that dies is
// replaced without losing the operation.
//
// Real GnuPG in alice's harness home (her secret key, everyone's public
// keys) and the runner built with cybertroc (CT_RUNNER). Skips only when
// gpg is missing (gpg.sh exits 77).
#include "crypto/gpg_runner.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <vector>

#include "crypto/gpg_context.h"
#include "crypto/runner_wire.h"
#include "crypto/sign.h"
#include "verify/gpg_signatures.h"
#include "maildir_world.h"

namespace {

namespace crypto = ct::crypto;
namespace fs = std::filesystem;
using ct::ErrorKind;

// ------------------------------------------------------------ the wire

TEST(RunnerWireTest, RequestsAndOutcomesCrossUnchanged) {
  crypto::RawRequest request;
  request.op = crypto::RawOp::kSignEncrypt;
  request.data = std::string("a\0b\r\n", 5);
  request.max_output = 1234567890123;
  request.signer = "ABCD";
  request.recipients = {"1111", "", "2222"};
  auto back = crypto::wire::DecodeRequest(crypto::wire::EncodeRequest(request));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->op, request.op);
  EXPECT_EQ(back->data, request.data);
  EXPECT_EQ(back->max_output, request.max_output);
  EXPECT_EQ(back->signer, request.signer);
  EXPECT_EQ(back->recipients, request.recipients);

  crypto::RawOutcome outcome;
  outcome.error = 0x12345678;
  outcome.overflowed = true;
  outcome.output = "plain";
  outcome.signatures = {{"FPR1", 1, 2, -3}, {"", 0, 0, 1700000000}};
  outcome.no_integrity = true;
  outcome.hash_algo = "SHA512";
  auto out = crypto::wire::DecodeOutcome(crypto::wire::EncodeOutcome(outcome));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->error, outcome.error);
  EXPECT_TRUE(out->overflowed);
  EXPECT_EQ(out->output, "plain");
  ASSERT_EQ(out->signatures.size(), 2u);
  EXPECT_EQ(out->signatures[0].fingerprint, "FPR1");
  EXPECT_EQ(out->signatures[0].timestamp, -3);
  EXPECT_EQ(out->signatures[1].timestamp, 1700000000);
  EXPECT_TRUE(out->no_integrity);
  EXPECT_FALSE(out->signed_ok);
  EXPECT_EQ(out->hash_algo, "SHA512");
}

TEST(RunnerWireTest, TornOrPaddedFramesAreRefused) {
  crypto::RawRequest request;
  request.data = "hello";
  const std::string frame = crypto::wire::EncodeRequest(request);
  for (size_t cut = 0; cut < frame.size(); ++cut)
    EXPECT_FALSE(crypto::wire::DecodeRequest(frame.substr(0, cut)))
        << "cut at " << cut;
  EXPECT_FALSE(crypto::wire::DecodeRequest(frame + "x"));
  std::string bad_op = frame;
  bad_op[0] = 99;
  EXPECT_FALSE(crypto::wire::DecodeRequest(bad_op));
  // A count of recipients the frame cannot hold reserves nothing.
  std::string huge = frame;
  const size_t count_at = huge.size() - 8;
  for (size_t i = 0; i < 8; ++i) huge[count_at + i] = '\xff';
  EXPECT_FALSE(crypto::wire::DecodeRequest(huge));
}

// ------------------------------------------------------------ GnuPG

class GpgRunnerTest : public cttest::KeyWorldSuite<GpgRunnerTest> {
 public:
  static constexpr const char* kWorldLabel = "runner";

 protected:
  void SetUp() override {
    KeyWorldSuite::SetUp();
    if (Stopped()) return;
    home_ = world_->PartyHome("alice");
    alice_ = world_->Fpr("alice");
  }

  // alice's clear-signed block of `body` (the mail around it cut off).
  std::string ClearSigned(const std::string& body) {
    static int count = 0;
    const fs::path file =
        world_->dir() / ("runner-" + std::to_string(++count) + ".eml");
    world_->Clearsign("alice", body, file);
    std::ifstream in(file, std::ios::binary);
    const std::string mail((std::istreambuf_iterator<char>(in)), {});
    const size_t begin = mail.find("-----BEGIN PGP SIGNED MESSAGE-----");
    const std::string end = "-----END PGP SIGNATURE-----";
    const size_t stop = mail.find(end, begin);
    EXPECT_NE(stop, std::string::npos);
    return mail.substr(begin, stop + end.size() - begin) + "\r\n";
  }

  crypto::GpgContext Open(bool with_runner) {
    auto gpg =
        crypto::GpgContext::Open(home_.string(), with_runner ? CT_RUNNER : "");
    EXPECT_TRUE(gpg.has_value());
    return std::move(*gpg);
  }

  fs::path home_;
  std::string alice_;
};

void ExpectSame(const ct::Result<ct::verify::Verified>& here,
                const ct::Result<ct::verify::Verified>& runner) {
  ASSERT_EQ(here.has_value(), runner.has_value());
  if (!here) {
    EXPECT_EQ(here.error().kind, runner.error().kind);
    EXPECT_EQ(here.error().message, runner.error().message);
    return;
  }
  EXPECT_EQ(here->plaintext, runner->plaintext);
  ASSERT_EQ(here->signatures.size(), runner->signatures.size());
  for (size_t i = 0; i < here->signatures.size(); ++i) {
    const auto& a = here->signatures[i];
    const auto& b = runner->signatures[i];
    EXPECT_EQ(a.good, b.good);
    EXPECT_EQ(a.problem, b.problem);
    EXPECT_EQ(a.fingerprint, b.fingerprint);
    EXPECT_EQ(a.primary, b.primary);
    EXPECT_EQ(a.emails, b.emails);
    EXPECT_EQ(a.made, b.made);
  }
}

TEST_F(GpgRunnerTest, VerificationsAnswerAsInThisProcess) {
  crypto::GpgContext here = Open(false);
  crypto::GpgContext runner = Open(true);
  const std::string block = ClearSigned("CT 00 HELP\n");
  auto a = ct::verify::VerifyClearsigned(here, block, 1 << 20);
  auto b = ct::verify::VerifyClearsigned(runner, block, 1 << 20);
  ExpectSame(a, b);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  ASSERT_EQ(b->signatures.size(), 1u);
  EXPECT_TRUE(b->signatures[0].good);
  EXPECT_EQ(b->signatures[0].primary, alice_);
  EXPECT_NE(b->plaintext.find("CT 00 HELP"), std::string::npos);

  // Changed on the way: a bad signature, judged the same.
  std::string tampered = block;
  tampered.replace(tampered.find("CT 00"), 5, "CT 01");
  auto bad = ct::verify::VerifyClearsigned(runner, tampered, 1 << 20);
  ExpectSame(ct::verify::VerifyClearsigned(here, tampered, 1 << 20), bad);
  ASSERT_TRUE(bad.has_value());
  ASSERT_EQ(bad->signatures.size(), 1u);
  EXPECT_FALSE(bad->signatures[0].good);

  // Not OpenPGP at all; and a signed text over the cap.
  ExpectSame(ct::verify::VerifyClearsigned(here, "hello\r\n", 1 << 20),
             ct::verify::VerifyClearsigned(runner, "hello\r\n", 1 << 20));
  auto capped = ct::verify::VerifyClearsigned(runner, block, 4);
  ExpectSame(ct::verify::VerifyClearsigned(here, block, 4), capped);
  ASSERT_FALSE(capped.has_value());
  EXPECT_EQ(capped.error().kind, ErrorKind::kInvalidInput);
}

TEST_F(GpgRunnerTest, SignedAndEncryptedMailRoundTrips) {
  crypto::GpgContext runner = Open(true);
  crypto::GpgContext here = Open(false);
  const std::string text = "Content-Type: text/plain\r\n\r\nDeal CT-1234\r\n";
  auto armored = crypto::SignEncrypt(runner, alice_, {alice_}, text);
  ASSERT_TRUE(armored.has_value()) << armored.error().message;
  EXPECT_NE(armored->find("-----BEGIN PGP MESSAGE-----"), std::string::npos);
  auto b = ct::verify::DecryptVerify(runner, *armored, 1 << 20);
  ExpectSame(ct::verify::DecryptVerify(here, *armored, 1 << 20), b);
  ASSERT_TRUE(b.has_value()) << b.error().message;
  EXPECT_EQ(b->plaintext, text);
  EXPECT_TRUE(b->integrity_protected);
  ASSERT_EQ(b->signatures.size(), 1u);
  EXPECT_TRUE(b->signatures[0].good);
  EXPECT_EQ(b->signatures[0].primary, alice_);

  // 1 MB of zeros compresses to a few KB: the cap stops gpg in the runner.
  auto bomb =
      crypto::SignEncrypt(runner, alice_, {alice_}, std::string(1 << 20, '\0'));
  ASSERT_TRUE(bomb.has_value()) << bomb.error().message;
  EXPECT_LT(bomb->size(), size_t{64} << 10);
  auto stopped = ct::verify::DecryptVerify(runner, *bomb, 1000);
  ASSERT_FALSE(stopped.has_value());
  EXPECT_EQ(stopped.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(stopped.error().message.find("larger than 1000 bytes"),
            std::string::npos)
      << stopped.error().message;

  // Errors keep their kinds: a recipient without a key, a signer without
  // a secret key.
  auto nobody =
      crypto::SignEncrypt(runner, alice_, {std::string(40, 'A')}, text);
  ASSERT_FALSE(nobody.has_value());
  EXPECT_EQ(nobody.error().kind, ErrorKind::kNotFound);
  auto not_ours =
      crypto::SignEncrypt(runner, world_->Fpr("bob"), {alice_}, text);
  ASSERT_FALSE(not_ours.has_value());
  EXPECT_EQ(not_ours.error().kind, ErrorKind::kConfig);
}

TEST_F(GpgRunnerTest, DetachedSignaturesVerify) {
  crypto::GpgContext runner = Open(true);
  crypto::GpgContext here = Open(false);
  const std::string text = "Content-Type: text/plain\r\n\r\nhello\r\n";
  auto sig = crypto::SignDetached(runner, alice_, text);
  ASSERT_TRUE(sig.has_value()) << sig.error().message;
  auto mine = crypto::SignDetached(here, alice_, text);
  ASSERT_TRUE(mine.has_value());
  EXPECT_EQ(sig->micalg, mine->micalg);
  EXPECT_EQ(sig->micalg.rfind("pgp-", 0), 0u) << sig->micalg;
  auto b = ct::verify::VerifyDetached(runner, text, sig->armored);
  ExpectSame(ct::verify::VerifyDetached(here, text, sig->armored), b);
  ASSERT_TRUE(b.has_value());
  ASSERT_EQ(b->signatures.size(), 1u);
  EXPECT_TRUE(b->signatures[0].good);
  auto changed = ct::verify::VerifyDetached(runner, text + "x", sig->armored);
  ASSERT_TRUE(changed.has_value());
  EXPECT_FALSE(changed->signatures[0].good);
}

// The runner is killed between two operations, then during the set-up of
// the next: each time a new one takes over and the operation succeeds.
TEST_F(GpgRunnerTest, ADeadRunnerIsReplaced) {
  crypto::GpgRunner runner(CT_RUNNER, home_.string());
  EXPECT_EQ(runner.pid(), 0) << "nothing starts before the first call";
  crypto::RawRequest request;
  request.op = crypto::RawOp::kVerifyClearsigned;
  request.data = ClearSigned("CT 00 HELP\n");
  request.max_output = 1 << 20;
  auto first = runner.Call(request);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  EXPECT_EQ(first->error, 0u);
  const pid_t pid = runner.pid();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  auto second = runner.Call(request);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_EQ(second->error, 0u);
  EXPECT_EQ(second->signatures.size(), 1u);
  EXPECT_NE(runner.pid(), pid);
}

TEST_F(GpgRunnerTest, AMissingRunnerIsAnErrorNamingIt) {
  crypto::GpgRunner runner("/nonexistent/cybertroc-gpg-runner", home_.string());
  crypto::RawRequest request;
  request.data = "x";
  auto out = runner.Call(request);
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().kind, ErrorKind::kIo);
  EXPECT_NE(out.error().message.find("/nonexistent/cybertroc-gpg-runner"),
            std::string::npos)
      << out.error().message;
}

// Regression: the runner inherited the pipes of a GnuPG operation another
// thread had under way (GPGME makes them without close-on-exec); holding
// their write ends, it kept that gpg's output open and the run hung. It
// now holds its socket, /dev/null and our stderr, nothing of ours.
TEST_F(GpgRunnerTest, TheRunnerHoldsNoneOfOurFiles) {
  int leaked[2];
  ASSERT_EQ(::pipe(leaked), 0);  // no O_CLOEXEC, as GPGME's
  crypto::GpgRunner runner(CT_RUNNER, home_.string());
  crypto::RawRequest ping;
  ping.op = crypto::RawOp::kPing;
  ASSERT_TRUE(runner.Call(ping).has_value());
  std::vector<std::string> held;
  const fs::path fds = "/proc/" + std::to_string(runner.pid()) + "/fd";
  for (const auto& entry : fs::directory_iterator(fds)) {
    const int fd = std::stoi(entry.path().filename().string());
    if (fd > 2) held.push_back(fs::read_symlink(entry.path()).string());
  }
  EXPECT_TRUE(held.empty()) << "first: " << (held.empty() ? "" : held[0]);
  ::close(leaked[0]);
  ::close(leaked[1]);
}

// Its purpose is to be small: what gpg's fork copies. cybertroc loads 35
// shared libraries (~200 mappings); the runner must stay near GPGME's own
// (counted as libraries, not mappings: a sanitizer build maps its shadow
// memory in many regions).
TEST_F(GpgRunnerTest, TheRunnerStaysSmall) {
  crypto::GpgRunner runner(CT_RUNNER, home_.string());
  crypto::RawRequest request;
  request.data = ClearSigned("CT 00 HELP\n");
  request.max_output = 1 << 20;
  ASSERT_TRUE(runner.Call(request).has_value());
  std::ifstream maps("/proc/" + std::to_string(runner.pid()) + "/maps");
  std::set<std::string> libraries;
  for (std::string line; std::getline(maps, line);) {
    const size_t path = line.find('/');
    if (path != std::string::npos &&
        line.find(".so", path) != std::string::npos)
      libraries.insert(line.substr(path));
  }
  EXPECT_GT(libraries.size(), 0u);
  EXPECT_LT(libraries.size(), 15u) << "the runner links more than GPGME";
}

}  // namespace
