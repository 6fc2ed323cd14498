// Where incoming mail is fetched from: one mailbox behind IMAP, POP3 or a
// local maildir (docs/operator.md). The pipeline is
//   List() -> Fetch() -> store durably in our database -> Acknowledge()
// so a crash anywhere leaves the message on the server, to be fetched again
// and recognised as a duplicate by the store.
//
// Secure transport (the policy of TlsModeFor in mail/url.h):
//   imaps://, pop3s://  TLS from the first byte.
//   imap://, pop3://    STARTTLS/STLS required, unless the host is loopback
//                       (localhost, 127.0.0.0/8, ::1), where it is used when
//                       the server offers it and plaintext is accepted only
//                       when it does not. A STARTTLS that fails after the
//                       server accepted it never falls back to plaintext.
//   Certificates: the chain must lead to a root of tls_ca_file, or of the
//   system bundle /etc/ssl/certs/ca-certificates.crt when it is empty, every
//   link's signature is checked, and the leaf must name the URL host (we do
//   not trust vmime's own verifier: see mail/strict_certificate_verifier.h).
//   Every connection has a progress timeout (30 s by default): a server that
//   sends nothing for that long aborts the operation with kIo.
//
// Errors: kIo for anything worth retrying later (network, timeout, server
// busy or saying NO); kConfig when the operator must act (bad URL, failed
// login, certificate not trusted or for another host, STARTTLS required but
// refused); kNotFound for a uid that is no longer in the mailbox. Messages
// name the redacted URL and never contain the password.
#ifndef CYBERTROC_MAIL_SOURCE_H_
#define CYBERTROC_MAIL_SOURCE_H_

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ct::mail {

// No progress for this long aborts a network operation.
inline constexpr std::chrono::milliseconds kDefaultNetTimeout =
    std::chrono::seconds(30);

// At most this much of an oversized message is kept (its header).
inline constexpr size_t kOversizedPrefix = 64 * 1024;

struct Fetched {
  std::string uid;
  // The exact bytes as the server holds them (IMAP and POP3 always present
  // CRLF line ends; a maildir file is returned byte for byte). For an
  // oversized message: only its header (up to and including the blank line
  // that ends it), at most kOversizedPrefix bytes.
  std::string raw;
  bool oversized = false;  // size > max_size: nobody parses raw further
  size_t size = 0;         // the full size of the message on the server
};

// One mailbox. Not thread-safe: vmime objects stay on the thread that made
// them. After a kIo error the connection may be gone: Close() and open a
// new Source (the next run does). Calls after Close() are kInternal errors.
class Source {
 public:
  virtual ~Source() = default;

  // Stable ids of the messages waiting, oldest first:
  //   IMAP     "UIDVALIDITY:UID"; messages flagged \Deleted are skipped, and
  //            so are \Seen ones when processed_folder is empty (\Seen is
  //            then our "done" mark: a person reading this mailbox with
  //            another client would hide mail from us).
  //   POP3     the UIDL; messages acknowledged in this session are skipped.
  //   maildir  the file's base name (before ":2,"), from new/ and cur/,
  //            without the S flag (a mail client moves new mail to cur/ as
  //            soon as it opens the folder: such mail is still ours). Not
  //            messages: tmp/, names starting with '.' or holding a control
  //            character, anything but a plain file (symbolic links too);
  //            they stay where they are. Reads the names of new/ and cur/
  //            once; Fetch and Acknowledge then use the file List saw, so
  //            their cost does not grow with cur/.
  virtual Result<std::vector<std::string>> List() = 0;

  // The raw message `uid`. IMAP fetches BODY.PEEK[] (never \Seen, never the
  // server's BODYSTRUCTURE or a re-serialisation). When the size exceeds
  // `max_size`, see Fetched::raw. kNotFound when `uid` is gone (or the IMAP
  // UIDVALIDITY changed).
  virtual Result<Fetched> Fetch(const std::string& uid, size_t max_size) = 0;

  // REQUIRES: the message is committed to our database.
  //   IMAP     with processed_folder: COPY there (creating the folder the
  //            first time: use '/' between levels), flag \Deleted, EXPUNGE
  //            (vmime has no MOVE or UID EXPUNGE, so this also expunges
  //            anything else already flagged \Deleted in the folder).
  //            Without: flag \Seen.
  //   POP3     DELE; takes effect at Close() (QUIT). If the connection drops
  //            first, the message comes back next time (a duplicate).
  //   maildir  rename to cur/NAME:2,<flags + S>.
  virtual Result<void> Acknowledge(const std::string& uid) = 0;

  // POP3: QUIT, which commits the deletions; IMAP: LOGOUT. The destructor
  // closes too, but silently.
  virtual Result<void> Close() = 0;
};

// The header of a message from its first bytes: everything up to and
// including the blank line that ends it, or all of `prefix` when no blank
// line is in it. What Fetch keeps of an oversized message. For the sources
// (internal to src/mail/).
std::string HeaderOnly(std::string_view prefix);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_SOURCE_H_
