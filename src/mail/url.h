// Inbox and outbox URLs (docs/operator.md, "Configuration") and the TLS policy
// they imply. A MailUrl never holds a password: secrets come from password
// files, so a URL can be logged and put into error messages as it is.
#ifndef CYBERTROC_MAIL_URL_H_
#define CYBERTROC_MAIL_URL_H_

#include <string>

#include "core/error.h"

namespace ct::mail {

// A parsed inbox/outbox URL, one of
//   imap|imaps|pop3|pop3s|smtp|smtps://[user@]host[:port][/path]
//   maildir|sendmail|dir:///absolute/path
// `scheme` is lower case; `user` and `path` are percent-decoded (so
// "escrow%40example.org" gives the user "escrow@example.org"; an unescaped
// '@' in the user part works too: the last '@' ends it). `host` has no
// brackets around an IPv6 literal. `port` is the explicit port or the
// scheme's default (imap 143, imaps 993, pop3 110, pop3s 995, smtp 587,
// smtps 465), 0 for local schemes. `path` is the IMAP folder without its
// leading '/' ("INBOX" when empty), "" for POP3 and SMTP, and the absolute
// file-system path for local schemes.
struct MailUrl {
  std::string scheme;
  std::string user;
  std::string host;
  int port = 0;
  std::string path;

  // The URL as text, safe to log: "imaps://escrow@mail.example.org:993/INBOX".
  std::string Redacted() const;
  bool IsLocal() const;  // maildir, sendmail, dir
};

// Parses `url`. Errors are kConfig and never quote a password: a URL with
// "user:password@" is refused (put the password in password_file), as are
// unknown schemes, missing hosts, ports outside 1..65535, query strings,
// fragments, relative local paths and POP3/SMTP URLs with a folder.
Result<MailUrl> ParseMailUrl(const std::string& url);

// True for "localhost", 127.0.0.0/8 and ::1 (by name only: no DNS lookup,
// so a name that merely resolves to 127.0.0.1 is not loopback).
bool IsLoopbackHost(const std::string& host);

// How a network URL is secured. The policy, for every network scheme:
//   imaps, pop3s, smtps       kImplicit: TLS from the first byte.
//   imap, pop3, smtp to a host that is not loopback
//                             kStartTlsRequired: the server must offer
//                             STARTTLS (STLS for POP3) and it must succeed,
//                             or nothing is sent: no login, no mail. When it
//                             is not offered, the command is not even sent:
//                             the error names the fix (the implicit-TLS
//                             scheme, or STARTTLS on the server).
//   imap, pop3, smtp to a loopback host
//                             kStartTlsIfOffered: STARTTLS is used exactly
//                             when the server offers it (EHLO extensions,
//                             IMAP CAPABILITY, POP3 CAPA); otherwise the
//                             session is plaintext, which never leaves the
//                             machine (a plain local relay).
// In both STARTTLS modes, a STARTTLS that is offered but refused, or whose
// handshake or certificate fails, is an error, never a plaintext fallback
// (mail/starttls.h does this for vmime).
// Whenever TLS is used, the certificate chain is verified against the
// system CAs or tls_ca_file, and the leaf must match the URL host.
enum class TlsMode { kNone, kImplicit, kStartTlsRequired, kStartTlsIfOffered };
TlsMode TlsModeFor(const MailUrl& url);  // kNone for local schemes

// The protocol of a network URL, for STARTTLS (mail/starttls.h) and its
// error (mail/start_tls_not_offered.h), which both include this header.
enum class MailProtocol { kSmtp, kImap, kPop3 };

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_URL_H_
