// cybertroc-gpg-runner: performs GnuPG operations for one cybertroc
// GpgContext (crypto/runner.h explains why it is a process of its own).
//
//   cybertroc-gpg-runner [--homedir DIR]
//
// Reads requests on fd 0, a Unix socket cybertroc holds the other end of,
// and answers each on the same socket (crypto/runner_wire.h); ends at the
// end of input. Not meant to be run by hand. It links GPGME and nothing
// else of cybertroc's libraries: its small size is its purpose.
#include <gpgme.h>
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "crypto/raw_ops.h"
#include "crypto/runner_wire.h"

namespace {

using ct::crypto::RawOp;
using ct::crypto::RawOutcome;
using ct::crypto::RawRequest;

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "cybertroc-gpg-runner: %s\n", why.c_str());
  std::exit(2);
}

// The context as cybertroc makes its own (crypto/keyring.cpp): OpenPGP,
// the given home, offline, no automatic key retrieval.
gpgme_ctx_t NewContext(const char* home) {
  gpgme_check_version(nullptr);
  gpgme_ctx_t ctx = nullptr;
  gpgme_error_t err = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
  // The process's default home, which the context copies: set on the
  // context, GPGME would run `gpg --version` once more for it.
  if (!err) err = gpgme_set_engine_info(GPGME_PROTOCOL_OpenPGP, nullptr, home);
  if (!err) err = gpgme_new(&ctx);
  if (!err) err = gpgme_set_protocol(ctx, GPGME_PROTOCOL_OpenPGP);
  if (err) Die(std::string("GnuPG context: ") + gpgme_strerror(err));
  gpgme_set_offline(ctx, 1);
  gpgme_set_ctx_flag(ctx, "auto-key-retrieve", "0");
  return ctx;
}

// Keys looked up once per runner, by fingerprint; a missing key is asked
// again next time (it may have been imported since).
class Keys {
 public:
  explicit Keys(gpgme_ctx_t ctx) : ctx_(ctx) {}
  ~Keys() {
    for (auto& [fpr, key] : public_) gpgme_key_unref(key);
    for (auto& [fpr, key] : secret_) gpgme_key_unref(key);
  }
  Keys(const Keys&) = delete;
  Keys& operator=(const Keys&) = delete;

  gpgme_key_t Get(const std::string& fpr, bool secret) {
    auto& cache = secret ? secret_ : public_;
    if (auto found = cache.find(fpr); found != cache.end())
      return found->second;
    // A listing on this context: gpgme_get_key would make a context of
    // its own, which costs a `gpg --version` every time.
    gpgme_key_t key = nullptr;
    if (fpr.empty() || gpgme_op_keylist_start(ctx_, fpr.c_str(), secret))
      return nullptr;
    for (gpgme_key_t next = nullptr; !gpgme_op_keylist_next(ctx_, &next);) {
      if (key)
        gpgme_key_unref(next);
      else
        key = next;
    }
    gpgme_op_keylist_end(ctx_);
    if (!key) return nullptr;
    return cache.emplace(fpr, key).first->second;
  }

 private:
  gpgme_ctx_t ctx_;
  std::map<std::string, gpgme_key_t> public_, secret_;
};

// Sets the signer and gathers the recipients of a sign request; the reason
// when a key is missing.
std::string PrepareSigning(gpgme_ctx_t ctx, Keys& keys,
                           const RawRequest& request, std::string& signer,
                           std::vector<gpgme_key_t>& recipients) {
  if (request.signer != signer) {
    gpgme_key_t key = keys.Get(request.signer, /*secret=*/true);
    if (!key) return "signing key " + request.signer + " has no secret part";
    gpgme_signers_clear(ctx);
    if (gpgme_signers_add(ctx, key))
      return "cannot sign with " + request.signer;
    signer = request.signer;
  }
  for (const auto& fpr : request.recipients) {
    gpgme_key_t key = keys.Get(fpr, /*secret=*/false);
    if (!key) return "no key " + fpr;
    recipients.push_back(key);
  }
  recipients.push_back(nullptr);
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  const char* home = nullptr;
  if (argc == 3 && std::strcmp(argv[1], "--homedir") == 0)
    home = argv[2];
  else if (argc != 1)
    Die("usage: cybertroc-gpg-runner [--homedir DIR] (started by cybertroc)");
  ::signal(SIGPIPE, SIG_IGN);
  gpgme_ctx_t ctx = NewContext(home);
  Keys keys(ctx);
  std::string signer;
  for (std::string frame;;) {
    switch (ct::crypto::wire::ReadFrame(0, ct::crypto::wire::kMaxFrameBytes,
                                        frame)) {
      case ct::crypto::wire::FrameStatus::kEnd:
        gpgme_release(ctx);
        return 0;
      case ct::crypto::wire::FrameStatus::kBroken:
        Die("broken request stream");
      case ct::crypto::wire::FrameStatus::kOk:
        break;
    }
    auto request = ct::crypto::wire::DecodeRequest(frame);
    if (!request) Die("malformed request");
    RawOutcome outcome;
    std::vector<gpgme_key_t> recipients;
    if (request->op == RawOp::kSignEncrypt ||
        request->op == RawOp::kSignDetached)
      outcome.setup_error =
          PrepareSigning(ctx, keys, *request, signer, recipients);
    if (outcome.setup_error.empty())
      outcome = ct::crypto::RunRaw(ctx, *request, recipients.data());
    if (!ct::crypto::wire::WriteFrame(0,
                                      ct::crypto::wire::EncodeOutcome(outcome)))
      Die("cannot answer");
  }
}
