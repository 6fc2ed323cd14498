// Signed and encrypted mail for the inbound-mail corpus, made now by the
// fresh keys of the corpus world (corpus_world.h): sign.sh clearsign and
// sign.sh neomutt (tests/harness), gpg in a party's home, and the
// PGP/MIME entities around what gpg made. A failing gpg or sign.sh fails
// the current test.
#ifndef CYBERTROC_TESTS_SUPPORT_CORPUS_SIGN_H_
#define CYBERTROC_TESTS_SUPPORT_CORPUS_SIGN_H_

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace corpus {

struct SignOptions {
  std::optional<long long> sign_time{};  // CT_SIGN_TIME
  std::string extra_headers{};           // CT_EXTRA_HEADERS
};

// sign.sh clearsign: a text/plain message From `from` whose body is
// `gpg --clearsign` of `text` by `key` in party `signer`'s home.
std::string Clear(const std::string& signer, const std::string& key,
                  const std::string& from, const std::string& text,
                  const SignOptions& opt = {});

// sign.sh neomutt: PGP/MIME made by neomutt with `signer`'s key.
std::string Neomutt(const std::string& signer, const std::string& from,
                    const std::string& text);

// Runs gpg in `home` with `args` on `input`; its stdout.
std::string Gpg(const std::filesystem::path& home, const std::string& args,
                const std::string& input);

// An Autocrypt header offering `name`'s public key (as exported by
// gpg.sh, so mallory-revoked's carries its revocation), folded.
std::string Autocrypt(const std::string& name, const std::string& addr);

// A new Message-ID, `tag` in it.
std::string FreshId(const std::string& tag);

// The same message with new Date and Message-ID: what a replay looks like.
std::string Refresh(const std::string& raw, const std::string& tag);

std::string MessageIdOf(const std::string& raw);

// A multipart/signed entity around `part` (a MIME entity, LF lines),
// signed detached by `key` in party `signer`'s home over the CRLF form of
// `part`, as RFC 3156 says.
std::string DetachSigned(const std::string& signer, const std::string& key,
                         const std::string& part, const std::string& tag);

// A multipart/encrypted entity: `entity` (made CRLF, as a client encrypts
// it) encrypted by party `sender` (gpg in its home, which holds every
// public key) to the primary key of harness key `recipient`, and signed in
// the same OpenPGP message by `sign_key` when set (gpg --encrypt --sign, as
// Thunderbird sends).
std::string Encrypted(const std::string& sender, const std::string& recipient,
                      const std::string& entity, const std::string& tag,
                      const std::string& sign_key = "");

}  // namespace corpus

#endif  // CYBERTROC_TESTS_SUPPORT_CORPUS_SIGN_H_
