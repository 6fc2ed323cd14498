// How much the inbound pipeline costs on top of the GnuPG work it must do.
// Measures, in one run on the same messages: (a) the bare GPGME
// verification of N clear-signed commands, (b) cybertroc processing the
// same N stored messages end to end (MIME, verify, identity, replay rules,
// engine, one SQL transaction each, rendered notification queued), and
// prints the ratio b/a. Also times the pure engine alone.
//
//   build/tests/pipeline_bench [N]      (default N = 200)
#include <gpgme.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/base/context.h"
#include "app/base/gpg_pool.h"
#include "app/deals/deals.h"
#include "app/inbound/isolation.h"
#include "core/engine.h"
#include "crypto/gpg_data.h"
#include "store/deal_repo.h"
#include "store/inbox_repo.h"
#include "store/records.h"
#include "verify/gpg_signatures.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void Die(const std::string& why) {
  std::fprintf(stderr, "pipeline_bench: %s\n", why.c_str());
  std::exit(1);
}

std::string Fingerprint(const fs::path& home, const std::string& uid) {
  std::string cmd = "gpg --homedir '" + home.string() +
                    "' --batch --with-colons --list-keys '" + uid +
                    "' 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}'";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[128] = {};
  if (!p || !fgets(buf, sizeof buf, p)) Die("no key " + uid);
  pclose(p);
  std::string fpr(buf);
  while (!fpr.empty() && (fpr.back() == '\n' || fpr.back() == '\r'))
    fpr.pop_back();
  return fpr;
}

void MakeKeys(const fs::path& home) {
  fs::create_directories(home);
  fs::permissions(home, fs::perms::owner_all);
  for (const char* who : {"escrow", "alice"}) {
    std::string cmd = "gpg --homedir '" + home.string() +
                      "' --batch --quiet --passphrase '' --quick-gen-key '" +
                      who + " <" + who +
                      "@example.test>' ed25519 sign,cert never 2>/dev/null";
    if (std::system((cmd + " >/dev/null").c_str()) != 0)
      Die("gpg --quick-gen-key failed");
  }
}

std::string ClearSign(ct::crypto::GpgContext& gpg, const std::string& signer,
                      const std::string& text) {
  gpgme_key_t key = nullptr;
  if (gpgme_get_key(gpg.get(), signer.c_str(), &key, 1) || !key)
    Die("no secret key " + signer);
  gpgme_signers_clear(gpg.get());
  gpgme_signers_add(gpg.get(), key);
  gpgme_key_unref(key);
  auto in = ct::crypto::GpgData::From(text);
  auto out = ct::crypto::GpgData::Empty();
  gpgme_set_armor(gpg.get(), 1);
  if (!in || !out ||
      gpgme_op_sign(gpg.get(), in->get(), out->get(), GPGME_SIG_MODE_CLEAR))
    Die("clear-signing failed");
  return out->Contents();
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 200;
  char tmpl[] = "/tmp/ct-bench-XXXXXX";
  if (!mkdtemp(tmpl)) Die("mkdtemp");
  const fs::path dir = tmpl;
  const fs::path home = dir / "gnupg";
  MakeKeys(home);
  fs::create_directories(dir / "maildir" / "new");
  std::ofstream(dir / "ct.conf")
      << "[store]\ndatabase = " << (dir / "ct.db").string()
      << "\n[inbox]\nurl = maildir://" << (dir / "maildir").string()
      << "\n[outbox]\nurl = dir://" << (dir / "out").string()
      << "\n[gpg]\nhome = " << home.string()
      << "\nescrow_key = " << Fingerprint(home, "escrow@example.test")
      << "\nencrypt_replies = false\n[rules]\ndir = " << CT_SOURCE_RULES_DIR
      << "\n[templates]\ndir = " << CT_SOURCE_TEMPLATES_DIR
      << "\n[log]\nlevel = warn\n";
  auto ctx = ct::app::OpenContext((dir / "ct.conf").string());
  if (!ctx) Die(ctx.error().message);
  ct::app::OpenRequest open;
  open.case_name = "sale";
  open.emails = {{"seller", "alice@example.test"},
                 {"buyer", "bob@example.test"}};
  open.terms = {{"price", ct::core::Money::FromMinor(2500)}};
  open.texts = {{"item", "CD"}};
  open.lang = "en";
  auto id = ct::app::OpenDeal(*ctx, open);
  if (!id) Die(id.error().message);
  auto gpg = ct::app::OpenGpg(*ctx);
  if (!gpg) Die(gpg.error().message);

  // N distinct status requests (00) signed by alice, stored as fetched.
  const std::string alice = Fingerprint(home, "alice@example.test");
  std::vector<std::string> armored;
  ct::store::InboxRepo inbox(ctx->db);
  for (int i = 0; i < n; ++i) {
    armored.push_back(ClearSign(
        *gpg, alice, *id + " 00\nrequest " + std::to_string(i) + "\n"));
    ct::store::InboxRecord row;
    row.source = "bench";
    row.server_uid = std::to_string(i);
    row.message_id = "<bench." + std::to_string(i) + "@example.test>";
    row.digest = std::to_string(i);
    row.fetched = ctx->now;
    row.raw =
        "From: alice@example.test\r\nTo: escrow@example.test\r\nMessage-ID: " +
        row.message_id + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" +
        armored.back();
    bool dup = false;
    if (!inbox.Store(row, &dup)) Die("storing");
  }

  auto t0 = Clock::now();
  for (const auto& a : armored) {
    auto v = ct::verify::VerifyClearsigned(*gpg, a, a.size());
    if (!v || v->signatures.size() != 1 || !v->signatures[0].good)
      Die("bare verify");
  }
  auto bare = Clock::now() - t0;

  t0 = Clock::now();
  auto report = ct::app::ProcessInbox(*ctx, *gpg);
  auto pipeline = Clock::now() - t0;
  if (!report) Die(report.error().message);
  if (report->applied != n)
    Die("pipeline applied " + std::to_string(report->applied) + ", refused " +
        std::to_string(report->refused) + ", quarantined " +
        std::to_string(report->quarantined));

  // The pure engine on its own: one status step per message.
  auto deal = ct::store::DealRepo(ctx->db).Load(*id);
  auto rules = ctx->rules.Find("sale");
  ct::core::Command status;
  status.code = ct::core::code::kStatus;
  status.actor = "seller";
  t0 = Clock::now();
  const int kSteps = 100000;
  for (int i = 0; i < kSteps; ++i)
    ct::core::Step(**rules, ctx->config.policy, *deal, status, ctx->now);
  auto engine = Clock::now() - t0;

  std::printf("messages                         %d\n", n);
  std::printf("bare GPGME verify                %8.1f ms  (%.2f ms/message)\n",
              Ms(bare), Ms(bare) / n);
  std::printf("cybertroc pipeline               %8.1f ms  (%.2f ms/message)\n",
              Ms(pipeline), Ms(pipeline) / n);
  std::printf("ratio pipeline / bare verify     %8.2f\n",
              Ms(pipeline) / Ms(bare));
  std::printf(
      "engine Step() alone              %8.4f ms/step  (%.5f of a verify)\n",
      Ms(engine) / kSteps, (Ms(engine) / kSteps) / (Ms(bare) / n));
  std::system(
      ("gpgconf --homedir '" + home.string() + "' --kill all 2>/dev/null")
          .c_str());
  fs::remove_all(dir);
  return 0;
}
