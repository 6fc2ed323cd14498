// A backlog for tests/bench/run.sh: N sale offers (code 10), each clear-
// signed by a party and written into a maildir as that party's client would
// send it (the same shape as `tests/harness/sign.sh clearsign`), in one
// GPGME context so that 10,000 of them take a minute, not an hour.
//
//   make_backlog --home PARTY_GNUPGHOME --from EMAIL --buyer EMAIL
//                --to EMAIL --count N --maildir DIR
//
// The signer is the first secret key of PARTY_GNUPGHOME (a gpg.sh party
// home). Message i offers "Bench item i" to --buyer; the files land in
// DIR/new, named so that they sort in the order they were signed.
#include <gpgme.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "crypto/gpg_context.h"
#include "crypto/gpg_data.h"
#include "crypto/gpg_key.h"
#include "crypto/offline.h"
#include "verify/gpg_signatures.h"

namespace fs = std::filesystem;

namespace {

struct Options {
  std::string home, from, buyer, to, count, maildir;
};

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "make_backlog: %s\n", why.c_str());
  std::exit(1);
}

Options Parse(int argc, char** argv) {
  Options o;
  std::map<std::string, std::string*> flags = {
      {"--home", &o.home}, {"--from", &o.from},   {"--buyer", &o.buyer},
      {"--to", &o.to},     {"--count", &o.count}, {"--maildir", &o.maildir}};
  for (int i = 1; i < argc; i += 2) {
    auto flag = flags.find(argv[i]);
    if (flag == flags.end() || i + 1 >= argc)
      Die("usage: make_backlog --home DIR --from EMAIL --buyer EMAIL "
          "--to EMAIL --count N --maildir DIR");
    *flag->second = argv[i + 1];
  }
  for (const auto& [name, value] : flags)
    if (value->empty()) Die(name + " is required");
  return o;
}

// The party's own (first secret) key, made the only signer of `gpg`.
void UseFirstSecretKey(ct::crypto::GpgContext& gpg) {
  if (gpgme_op_keylist_start(gpg.get(), nullptr, /*secret_only=*/1))
    Die("cannot list secret keys");
  gpgme_key_t raw = nullptr;
  if (gpgme_op_keylist_next(gpg.get(), &raw) || !raw)
    Die("no secret key in the party home");
  ct::crypto::GpgKey key(raw);
  gpgme_op_keylist_end(gpg.get());
  gpgme_signers_clear(gpg.get());
  if (gpgme_signers_add(gpg.get(), key.get())) Die("cannot sign");
}

std::string ClearSign(ct::crypto::GpgContext& gpg, const std::string& text) {
  auto in = ct::crypto::GpgData::From(text);
  auto out = ct::crypto::GpgData::Empty();
  if (!in || !out ||
      gpgme_op_sign(gpg.get(), in->get(), out->get(), GPGME_SIG_MODE_CLEAR))
    Die("clear-signing failed");
  return out->Contents();
}

std::string Offer(const Options& o, long i) {
  return "Hello, here is my offer.\n\nCT 10 SALE\nbuyer: " + o.buyer +
         "\nitem: Bench item " + std::to_string(i) +
         ", CD, mint\nprice: 25,00 EUR\nshipping: 5.00\ndelivery: post\n"
         "lang: en\n";
}

std::string Mail(const Options& o, long i, std::time_t now,
                 const std::string& signed_text) {
  char date[64];
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &utc);
  return std::string("Date: ") + date + "\nMessage-ID: <bench." +
         std::to_string(now) + "." + std::to_string(i) + "@example.test>\n" +
         "From: " + o.from + "\nTo: " + o.to + "\nSubject: offer " +
         std::to_string(i) +
         "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n"
         "Content-Transfer-Encoding: 7bit\n\n" +
         signed_text;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = Parse(argc, argv);
  const long count = std::strtol(o.count.c_str(), nullptr, 10);
  if (count <= 0) Die("--count must be a positive number");
  auto gpg = ct::crypto::GpgContext::Open(o.home);
  if (!gpg) Die(gpg.error().message);
  ct::crypto::MakeOffline(*gpg);
  gpgme_set_armor(gpg->get(), 1);
  gpgme_set_textmode(gpg->get(), 1);
  UseFirstSecretKey(*gpg);
  const fs::path dir = fs::path(o.maildir) / "new";
  fs::create_directories(dir);
  for (const char* sub : {"cur", "tmp"})
    fs::create_directories(fs::path(o.maildir) / sub);
  const std::time_t now = std::time(nullptr);
  for (long i = 1; i <= count; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "%ld.%07ld.bench", static_cast<long>(now),
                  i);
    const fs::path tmp = fs::path(o.maildir) / "tmp" / name;
    std::ofstream(tmp) << Mail(o, i, now, ClearSign(*gpg, Offer(o, i)));
    fs::rename(tmp, dir / name);
  }
  std::printf("%ld offers in %s\n", count, dir.c_str());
  return 0;
}
