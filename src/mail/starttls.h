// STARTTLS exactly when the server offers it, for vmime 0.9.2's imap://,
// pop3:// and smtp:// connections. Internal to src/mail/.
//
// Why: vmime 0.9.2 sends STARTTLS (STLS) whenever `connection.tls` is set,
// without looking at what the server offers; when the command is refused
// and `connection.tls.required` is not set, its SMTP client sends EHLO a
// second time, which OpenSMTPD refuses ("Already identified"): no mail went
// out through a plain local relay. vmime has no switch for "if offered".
//
// How: a socket between vmime and the real one learns the server's
// capabilities on the same connection before vmime reads its TLS settings,
// and sets them: `connection.tls` when STARTTLS is offered (or the policy
// requires it), `connection.tls.required` always, so that vmime never goes
// on in plaintext after a STARTTLS it sent.
//   SMTP: it reads the reply to vmime's own EHLO as it passes (vmime reads
//         its TLS settings right after EHLO; a second EHLO is never sent).
//   IMAP: the CAPABILITY list of the greeting, or one CAPABILITY command.
//   POP3: one CAPA command.
// The greeting it read is handed to vmime as if fresh; the probe's own
// exchange is not. Until the first command after that decision, it also
// checks every command line vmime sends: a STARTTLS (STLS) the server did
// not offer is never sent, vmime gets a StartTlsNotOffered instead (that is
// how a URL whose policy requires TLS fails, with nothing sent in
// plaintext). After that first command, and for all of a TLS session,
// bytes pass through untouched. StartTlsNotOffered is in
// mail/start_tls_not_offered.h.
#ifndef CYBERTROC_MAIL_STARTTLS_H_
#define CYBERTROC_MAIL_STARTTLS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vmime/net/service.hpp>

#include "mail/url.h"

namespace ct::mail {

// The longest greeting plus capability exchange read before deciding.
inline constexpr size_t kMaxCapabilityBytes = 64 * 1024;

// SMTP: `reply` is the whole reply to EHLO (CRLF or LF lines). True when it
// is a 250 reply and one of its extension lines is "STARTTLS".
bool EhloOffersStartTls(std::string_view reply);

// SMTP: the length of the first complete reply in `bytes` (its last line
// is "NNN" or "NNN text", line end included), 0 while incomplete.
size_t SmtpReplyLength(std::string_view bytes);

// IMAP: the capabilities named in one response line, either a greeting or
// status with a "[CAPABILITY ...]" code or an untagged "* CAPABILITY ...".
// nullopt when the line names no capabilities; otherwise whether STARTTLS
// is among them.
std::optional<bool> ImapLineOffersStartTls(std::string_view line);

// POP3: one line of a CAPA response: true when it is "STLS".
bool CapaLineIsStls(std::string_view line);

// "STARTTLS", or "STLS" for POP3.
const char* StartTlsCommand(MailProtocol protocol);

// REQUIRES: `mode` is kStartTlsRequired or kStartTlsIfOffered, `url` an
// imap, pop3 or smtp URL, `service` the vmime store or transport for it,
// which must outlive its connections (it does: it owns them). Installs the
// negotiating socket factory on `service` and sets its TLS properties to
// "STARTTLS, required" until the server's capabilities are known.
void InstallStartTlsNegotiation(vmime::net::service& service,
                                const MailUrl& url, TlsMode mode);

}  // namespace ct::mail

#endif  // CYBERTROC_MAIL_STARTTLS_H_
