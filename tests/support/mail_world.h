// The mail servers (Dovecot, OpenSMTPD) and GnuPG keys of tests/harness for
// a whole test suite: servers.sh and gpg.sh behind one object, plus the
// signed mail the parties send (sign.sh). GoogleTest-free.
#ifndef CYBERTROC_TESTS_SUPPORT_MAIL_WORLD_H_
#define CYBERTROC_TESTS_SUPPORT_MAIL_WORLD_H_

#include <ctime>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "harness.h"
#include "processes.h"

namespace cttest {

namespace fs = std::filesystem;

// One message on the server side, as Dovecot reports it (doveadm fetch).
struct ServerMessage {
  std::string mailbox;
  std::string uid;
  std::string flags;
  std::string message_id;
  bool Seen() const { return flags.find("\\Seen") != std::string::npos; }
  bool Deleted() const { return flags.find("\\Deleted") != std::string::npos; }
};

class MailWorld {
 public:
  MailWorld() = default;
  MailWorld(const MailWorld&) = delete;
  MailWorld& operator=(const MailWorld&) = delete;
  ~MailWorld() { Stop(); }

  // Starts Dovecot + OpenSMTPD and makes the GnuPG homes under a fresh
  // /tmp/ct-<tag>-XXXXXX. Returns "" when ready; otherwise the reason, and
  // Skipped() tells whether the machine cannot run the harness (exit 77,
  // the test should GTEST_SKIP) or it failed (the test should fail).
  std::string Start(const std::string& tag = "mail");

  bool Skipped() const { return skipped_; }

  // Stops everything Start() started and removes the directory (kept when
  // CT_KEEP_TEST_DIR is set, for a post-mortem).
  void Stop();

  const fs::path& dir() const { return dir_; }
  fs::path servers_dir() const { return dir_ / "servers"; }
  fs::path gnupg_dir() const { return dir_ / "gnupg"; }

  // servers.sh's DIR/env (CT_IMAP_PORT, CT_CA_FILE...).
  std::string Env(const std::string& key) const;
  // gpg.sh's keys.env: Fpr("alice") = CT_FPR_ALICE.
  std::string Fpr(const std::string& name) const {
    return HarnessFpr(keys_, name);
  }

  // NAME's own GnuPG home (its secret key, every public key), made once.
  fs::path PartyHome(const std::string& name);

  // A new escrow home (escrow's secret key, the operator's public key
  // only: parties' keys must arrive by mail) under the gnupg dir, so that
  // `gpg.sh kill` stops its agent. `label` makes it unique.
  fs::path NewEscrowHome(const std::string& label) {
    return MakeEscrowHome(gnupg_dir(), label);
  }

  // "Autocrypt: addr=NAME@example.test; keydata=..." (folded, no final
  // newline): NAME's public key, as an Autocrypt-capable client offers it.
  std::string AutocryptHeader(const std::string& name);

  // A text/plain message clear-signed by NAME (sign.sh clearsign) from
  // NAME@example.test to escrow@example.test, written to `out` with CRLF
  // line ends (as it would cross SMTP). `sign_time` (epoch seconds, 0 =
  // now) fakes the signing time -- beware: gpg's faked clock keeps
  // running, so two messages faked "at T" may be signed T and T+1, in any
  // order; `headers` are extra header lines
  // (newline-separated, e.g. AutocryptHeader()). Returns `out`.
  fs::path Clearsign(const std::string& name, const std::string& body,
                     const fs::path& out, std::time_t sign_time = 0,
                     const std::string& headers = "",
                     const std::string& subject = "");

  // A PGP/MIME message made by a real neomutt (sign.sh neomutt) signed by
  // NAME, with CRLF line ends; `headers` (e.g. AutocryptHeader()) are put
  // on top of neomutt's header, which the signature does not cover.
  // Returns the sign.sh status: 0, or 77 when neomutt/tmux are missing
  // (`out` then holds nothing); throws on other failures.
  int Neomutt(const std::string& name, const std::string& body,
              const fs::path& out, const std::string& headers = "",
              std::string* skip_reason = nullptr);

  // servers.sh deliver: FILE into USER's INBOX byte for byte (any local
  // part works: a new one is a new, empty maildir). Returns the file made.
  fs::path Deliver(const std::string& user, const fs::path& file);

  // Makes Dovecot look at USER's MAILBOX now, so that what was delivered
  // so far gets its UIDs: Deliver() then Sync() for each message gives UIDs
  // (and POP3 order) in delivery order, which one sync of several new
  // files does not promise.
  void Sync(const std::string& user,
            const std::string& mailbox = "INBOX") const;

  // Deliver() + Sync(): the message is numbered after every earlier one.
  fs::path DeliverInOrder(const std::string& user, const fs::path& file);

  // USER's maildir (CT_MAILDIR_ROOT/USER/Maildir).
  fs::path Maildir(const std::string& user) const;

  // doveadm against this Dovecot, as root.
  Cmd Doveadm(const std::string& args) const;

  // Removes every message of USER's MAILBOX (no error when it does not
  // exist): a clean mailbox for the next scenario.
  void Empty(const std::string& user,
             const std::string& mailbox = "INBOX") const;

  // Every message of every mailbox of USER, as Dovecot sees it.
  std::vector<ServerMessage> ServerMessages(const std::string& user) const;

  // The harness script `name`, quoted for sh.
  static std::string Script(const std::string& name);

 private:
  std::string Failed(const Cmd& cmd);

  fs::path dir_;
  bool started_ = false;
  bool skipped_ = false;
  std::map<std::string, std::string> env_, keys_;
  std::map<std::string, fs::path> party_homes_;
};

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_MAIL_WORLD_H_
