// Where outgoing mail goes (docs/security.md "Outgoing mail",
// docs/operator.md):
//   smtp://[user@]host[:587]   SMTP submission. STARTTLS is required unless
//                              the host is loopback (localhost, 127.0.0.0/8,
//                              ::1); on loopback it is used when the server
//                              accepts the command, and only a server that
//                              refuses it gets plaintext. A STARTTLS that
//                              fails after the server accepted it never falls
//                              back to plaintext.
//   smtps://[user@]host[:465]  TLS from the first byte.
//     Certificates are verified as for sources (mail/source.h): chain to the
//     system CAs or `tls_ca_file`, every signature checked, leaf naming the
//     URL host. With a user in the URL, AUTH (SASL) is required with that
//     user and the password; without one, no AUTH.
//   sendmail:///usr/sbin/sendmail  pipes the message to
//                              `sendmail -i -f FROM -- RCPT...` (no shell).
//   dir:///path                writes one .eml file per message, for tests
//                              and for operators who relay by hand; a
//                              message with a delivery key is written once
//                              however often it is retried (Envelope). The
//                              files of a batch appear, durable, at Flush.
#ifndef CYBERTROC_MAIL_TRANSPORT_H_
#define CYBERTROC_MAIL_TRANSPORT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"

namespace ct::mail {

// The SMTP envelope: the real sender (MAIL FROM, never empty: we never send
// bounces) and the recipients (RCPT TO). Bare addresses, no display names.
struct Envelope {
  std::string from;
  std::vector<std::string> to;
  // Names the message across attempts: the same on every retry of one
  // message, never the same for two; letters, digits, '.', '-', '_', at most
  // kMaxDeliveryKey characters, not starting with '.'. Empty: the message is
  // never retried. dir:// names its file KEY.eml and, when that file exists
  // already, keeps it: a retry after a crash that came between the write
  // and the caller recording it does not write the message twice. SMTP and
  // sendmail ignore it: what a server accepted cannot be asked about or
  // taken back, so such a retry sends the message again (the caller keeps
  // its Message-ID, by which the recipient's client can drop the copy).
  std::string delivery_key = {};  // = {}: Envelope{from, to} is complete
};

inline constexpr size_t kMaxDeliveryKey = 200;

class Transport {
 public:
  virtual ~Transport() = default;

  // Sends `raw` as it is. SMTP needs CRLF line ends: `raw` should have them,
  // and a bare LF is sent as CRLF. Errors:
  //   kRefused       the server rejected this message for good (5xx reply to
  //                  MAIL, RCPT or DATA; too big): retrying will not help.
  //   kIo            anything else worth retrying (network, timeout, 4xx,
  //                  sendmail failing, disk full).
  //   kConfig        the transport itself is broken (authentication,
  //                  certificate, STARTTLS refused): the operator must act.
  //   kInvalidInput  an empty or malformed envelope address or delivery
  //                  key.
  virtual Result<void> Send(const Envelope& env, const std::string& raw) = 0;

  // Makes every message Send took so far durable, so that the caller may
  // record them as sent. dir:// syncs its directory once for them all
  // (each file is synced by Send); SMTP and sendmail have nothing to do:
  // what the server or sendmail accepted is theirs. kIo on failure.
  virtual Result<void> Flush() { return {}; }

  // Ends the session (SMTP QUIT; dir:// flushes). The destructor closes
  // too, but silently.
  virtual Result<void> Close() = 0;
};

// kInvalidInput unless `env` has a sender and at least one recipient, each
// a plausible bare address: not empty, no blanks or control characters, no
// '<' '>' ',' and not starting with '-' (addresses become sendmail
// arguments and SMTP commands), and a delivery key as Envelope describes
// (it becomes a file name). For the transports (internal to src/mail/).
Result<void> CheckEnvelope(const Envelope& env);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_TRANSPORT_H_
