// Reading the mail a party received, for the tests that go through the
// real mail system (outbound_test, e2e_mail_test): decryption with the
// recipient's key, verification with plain gpg against the escrow key, and
// finding messages in a Dovecot maildir. The MIME reading is mime_entity.h.
#ifndef CYBERTROC_TESTS_SUPPORT_RECEIVED_MAIL_H_
#define CYBERTROC_TESTS_SUPPORT_RECEIVED_MAIL_H_

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "mail_fixture.h"
#include "maildir_world.h"  // IsoTime
#include "mime_entity.h"

namespace cttest {

namespace fs = std::filesystem;

// A message as its recipient opens it.
struct Received {
  fs::path file;
  Entity top;           // the delivered message (trace fields included)
  std::string subject;  // RFC 2047-decoded
  bool encrypted = false;
  bool combined = false;  // signed and encrypted in one (RFC 3156 6.2)
  std::string signer;     // primary fingerprint of a good signature, or ""
  std::string text;       // the signed text/plain, decoded, LF line ends
  std::string problem;    // why it could not be opened or verified
  // The signed parts after the text when it is a multipart/mixed (the EPC
  // QR code of a deposit request): headers and raw (encoded) body.
  std::vector<Entity> attachments;
};

// The primary key fingerprint of the one good signature in gpg's status
// output `status`, or "" when there is not exactly one.
std::string GoodSigner(const std::string& status);

// The decoded text of a text/plain entity, LF line ends.
std::string PlainTextOf(const Entity& text);

// RFC 3156 section 5: verifies `signed_entity` (multipart/signed) with the
// public keys of `home`; fills signer and text, or problem. Work files go
// to `dir`.
void VerifySigned(const Entity& signed_entity, const fs::path& home,
                  const fs::path& dir, Received& r);

// Decrypts (in `home`, the recipient's GnuPG home) and verifies (with the
// public keys of `home`) the message in `file`. An encrypted message is
// either signed and encrypted in one OpenPGP message (RFC 3156 section
// 6.2: the signer comes from gpg --decrypt's VALIDSIG, as mutt, neomutt
// and Thunderbird show it) or an encrypted multipart/signed (section 6.1).
// Work files go under `work`.
Received OpenMail(const fs::path& file, const fs::path& home,
                  const fs::path& work);

// Every message file of a maildir, delivery order.
std::vector<fs::path> MaildirFiles(const fs::path& maildir);

// The first of `mail` whose text holds `text`, or nullptr.
const Received* WithText(const std::vector<Received>& mail,
                         const std::string& text);

// Whether any of `mail` has `text` in its text.
inline bool AnyHas(const std::vector<Received>& mail, const std::string& text) {
  return WithText(mail, text) != nullptr;
}

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_RECEIVED_MAIL_H_
