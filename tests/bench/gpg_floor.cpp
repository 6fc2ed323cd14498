// The GnuPG floor of a backlog: the bare GPGME work that any processor of
// the same messages must do, done the cheapest way GPGME allows, so that
// tests/bench/run.sh can say what share of it cybertroc reaches.
//
//   gpg_floor --home GNUPGHOME --signer FPR --mail DIR --db FILE
//             [--operator-key FPR]
//
// In ONE process, with ONE GPGME context and every key looked up once:
//   - one gpgme_op_verify per clear-signed message in DIR (each file a mail
//     as a party sends it; the signed block is cut out, as cybertroc does),
//     each of which must be a good signature;
//   - one gpgme_op_encrypt_sign per row of the `outbox` table of FILE (the
//     notifications cybertroc queued for those messages): signed by FPR and
//     encrypted to the key bound to the recipient (table `bindings`, or
//     --operator-key for the operator), the body wrapped as the text/plain
//     entity the RFC 3156 section 6.2 combined method encrypts. A recipient
//     without a key gets a signature only (gpgme_op_sign), as in cybertroc.
// Prints the time of the GnuPG work (context set-up and key look-ups
// included; reading the files and the database excluded) and a last line
// for scripts:
//   FLOOR verify=N verify_ms=X sign=M sign_ms=Y total_ms=Z
#include <gpgme.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/offline.h"
#include "crypto/data.h"
#include "crypto/gpg_context.h"
#include "crypto/gpg_data.h"
#include "crypto/gpg_key.h"
#include "crypto/keyring.h"
#include "verify/gpg_signatures.h"
#include "store/database.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  std::string home, signer, mail, db, operator_key;
};

struct Notification {
  std::string entity;     // what gets signed and encrypted
  std::string recipient;  // fingerprint, empty: sign only
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "gpg_floor: %s\n", why.c_str());
  std::exit(1);
}

double Ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

Options Parse(int argc, char** argv) {
  Options o;
  std::map<std::string, std::string*> flags = {
      {"--home", &o.home},
      {"--signer", &o.signer},
      {"--mail", &o.mail},
      {"--db", &o.db},
      {"--operator-key", &o.operator_key}};
  for (int i = 1; i < argc; i += 2) {
    auto flag = flags.find(argv[i]);
    if (flag == flags.end() || i + 1 >= argc)
      Die("usage: gpg_floor --home DIR --signer FPR --mail DIR --db FILE "
          "[--operator-key FPR]");
    *flag->second = argv[i + 1];
  }
  if (o.home.empty() || o.signer.empty() || o.mail.empty() || o.db.empty())
    Die("--home, --signer, --mail and --db are required");
  return o;
}

// The clear-signed block of each mail file in `dir`, in name order.
std::vector<std::string> ClearSignedBlocks(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> blocks;
  for (const auto& file : files) {
    std::stringstream text;
    text << std::ifstream(file).rdbuf();
    const std::string mail = text.str();
    const std::string end_marker = "-----END PGP SIGNATURE-----";
    size_t begin = mail.find("-----BEGIN PGP SIGNED MESSAGE-----");
    size_t end = mail.find(end_marker, begin);
    if (begin == std::string::npos || end == std::string::npos)
      Die(file.string() + " holds no clear-signed block");
    blocks.push_back(mail.substr(begin, end + end_marker.size() - begin) +
                     "\n");
  }
  return blocks;
}

// The queued notifications and whom each is encrypted to.
std::vector<Notification> Notifications(const Options& o) {
  auto db = ct::store::Database::Open(o.db);
  if (!db) Die(db.error().message);
  auto st = db->Prepare(
      "SELECT o.body, o.to_role, coalesce(b.fingerprint, '') FROM outbox o "
      "LEFT JOIN bindings b ON b.email = o.to_email ORDER BY o.id");
  if (!st) Die(st.error().message);
  std::vector<Notification> out;
  for (;;) {
    auto row = st->Step();
    if (!row) Die(row.error().message);
    if (!*row) break;
    Notification n;
    n.entity =
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n" +
        st->ColumnText(0);
    n.recipient =
        st->ColumnText(1) == "operator" ? o.operator_key : st->ColumnText(2);
    out.push_back(std::move(n));
  }
  return out;
}

// A key looked up once and kept for the whole run.
gpgme_key_t CachedKey(ct::crypto::GpgContext& gpg,
                      std::map<std::string, ct::crypto::GpgKey>& cache,
                      const std::string& fpr, bool secret) {
  auto found = cache.find(fpr);
  if (found != cache.end()) return found->second.get();
  auto key = ct::crypto::FindKey(gpg, fpr, secret);
  if (!key) Die(key.error().message);
  if (!*key) Die("no key " + fpr + " in the GnuPG home");
  return cache.emplace(fpr, std::move(*key)).first->second.get();
}

void Verify(ct::crypto::GpgContext& gpg, const std::string& block) {
  auto in = ct::crypto::GpgData::From(block);
  auto plain = ct::crypto::GpgData::Empty();
  if (!in || !plain) Die("gpgme data");
  if (gpgme_error_t err =
          gpgme_op_verify(gpg.get(), in->get(), nullptr, plain->get()))
    Die(ct::crypto::GpgErrorText("verify", err));
  gpgme_verify_result_t result = gpgme_op_verify_result(gpg.get());
  gpgme_signature_t sig = result ? result->signatures : nullptr;
  if (!sig || sig->next || sig->status != GPG_ERR_NO_ERROR || !sig->fpr)
    Die("a backlog message does not carry exactly one good signature");
}

void SignEncrypt(ct::crypto::GpgContext& gpg, gpgme_key_t recipient,
                 const std::string& entity) {
  auto in = ct::crypto::GpgData::From(entity);
  auto out = ct::crypto::GpgData::Empty();
  if (!in || !out) Die("gpgme data");
  gpgme_error_t err;
  if (recipient) {
    gpgme_key_t to[] = {recipient, nullptr};
    err = gpgme_op_encrypt_sign(gpg.get(), to, GPGME_ENCRYPT_ALWAYS_TRUST,
                                in->get(), out->get());
  } else {
    err =
        gpgme_op_sign(gpg.get(), in->get(), out->get(), GPGME_SIG_MODE_DETACH);
  }
  if (err) Die(ct::crypto::GpgErrorText("sign+encrypt", err));
  if (out->Contents().empty()) Die("sign+encrypt gave nothing");
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  const std::vector<std::string> blocks = ClearSignedBlocks(o.mail);
  const std::vector<Notification> notes = Notifications(o);

  const auto start = Clock::now();
  auto gpg = ct::crypto::GpgContext::Open(o.home);
  if (!gpg) Die(gpg.error().message);
  ct::crypto::MakeOffline(*gpg);
  gpgme_set_armor(gpg->get(), 1);
  std::map<std::string, ct::crypto::GpgKey> keys;
  gpgme_signers_clear(gpg->get());
  if (gpgme_signers_add(gpg->get(), CachedKey(*gpg, keys, o.signer, true)))
    Die("cannot sign with " + o.signer);
  std::vector<gpgme_key_t> recipients;
  for (const auto& note : notes)
    recipients.push_back(note.recipient.empty()
                             ? nullptr
                             : CachedKey(*gpg, keys, note.recipient, false));

  const auto verify_start = Clock::now();
  for (const auto& block : blocks) Verify(*gpg, block);
  const auto sign_start = Clock::now();
  for (size_t i = 0; i < notes.size(); ++i)
    SignEncrypt(*gpg, recipients[i], notes[i].entity);
  const auto end = Clock::now();

  const size_t sign_only =
      std::count(recipients.begin(), recipients.end(), nullptr);
  std::printf(
      "floor: %zu verifications %.1f ms, %zu sign+encrypt (%zu sign only) "
      "%.1f ms, set-up and key look-ups %.1f ms\n",
      blocks.size(), Ms(sign_start - verify_start), notes.size(), sign_only,
      Ms(end - sign_start), Ms(verify_start - start));
  std::printf(
      "FLOOR verify=%zu verify_ms=%.1f sign=%zu sign_ms=%.1f "
      "total_ms=%.1f\n",
      blocks.size(), Ms(sign_start - verify_start), notes.size(),
      Ms(end - sign_start), Ms(end - start));
  return 0;
}
