// The one configuration struct (docs/operator.md, "Configuration"). Every field
// has its default here; config/config.cpp reads the file (split into keys by
// config/ini.cpp with Boost.Program_options). Secrets are never stored here:
// only the paths of the files that hold them.
#ifndef CYBERTROC_CONFIG_CONFIG_H_
#define CYBERTROC_CONFIG_CONFIG_H_

#include <string>
#include <vector>

#include "config/bank_config.h"
#include "core/error.h"
#include "core/policy.h"

namespace ct::config {

inline constexpr char kDefaultConfigPath[] = "/etc/cybertroc/cybertroc.conf";

struct StoreConfig {
  // SQLite database file; created 0600 on first use.
  std::string database = "/var/lib/cybertroc/cybertroc.db";
};

// How many messages the inbound pipeline verifies at once by default: one
// per core (std::thread::hardware_concurrency), within 1..kMaxWorkers.
inline constexpr int kMaxWorkers = 64;
int DefaultWorkers();

struct InboxConfig {
  // imap://, imaps://, pop3://, pop3s://user@host[:port]/FOLDER or
  // maildir:///path.
  std::string url = "imaps://escrow@mail.example.org/INBOX";
  std::string password_file;  // empty: no password
  std::string tls_ca_file;    // empty: system CAs (outbox TLS uses it too)
  std::string processed_folder = "Processed";  // IMAP; empty: mark \Seen
  int poll_interval = 60;                      // seconds, daemon
  long max_message_size = 1048576;             // bytes; larger: quarantined
  // Threads doing the GnuPG work, each with its own GPGME context:
  // incoming messages are verified and decrypted in parallel (their effects
  // still committed one by one, in mailbox order), outgoing ones composed
  // and signed in parallel (still sent in queue order). 1 = one at a time.
  int workers = DefaultWorkers();
};

struct OutboxConfig {
  // smtp://host:port (STARTTLS when offered), smtps://, sendmail:///path,
  // dir:///path (one .eml per message).
  std::string url = "smtp://localhost:587";
  std::string password_file;
  std::string from = "CyberTroc <escrow@example.org>";
  std::string operator_address = "operator@example.org";  // key "operator"
  int give_up_hours = 48;
  int max_replies_per_day = 10;
};

struct GpgConfig {
  std::string home = "/var/lib/cybertroc/gnupg";
  std::string escrow_key;    // fingerprint of our signing key
  std::string operator_key;  // fingerprint allowed to send code 21
  bool encrypt_replies = true;
  int max_signature_age_days = 7;
};

struct RulesConfig {
  std::string dir = "/usr/share/cybertroc/rules";
};

struct TemplatesConfig {
  std::string dir = "/usr/share/cybertroc/templates";
  std::string default_language = "fr";
};

struct LogConfig {
  std::string level = "info";  // trace, debug, info, warn, error, off
  std::string file;            // empty: stderr (journald under systemd)
};

// [listings]: the marketplace before the deal (docs/protocol.md).
struct ListingsConfig {
  int max_open_per_party = 20;  // open or locked listings per address
};

// [catalogue]: `cybertroc catalogue --out DIR`.
struct CatalogueConfig {
  bool show_lister = false;  // listers' addresses in the public pages
};

struct Config {
  std::string path;  // the file it was read from ("" = defaults only)
  StoreConfig store;
  InboxConfig inbox;
  OutboxConfig outbox;
  GpgConfig gpg;
  RulesConfig rules;
  TemplatesConfig templates;
  LogConfig log;
  ListingsConfig listings;
  CatalogueConfig catalogue;
  core::Policy policy;  // [money] and [deadlines]
  BankConfig bank;      // [money] accounts, [money.import_csv] (money.h)
};

// Reads the INI file at `path` over the defaults. Unknown keys, bad numbers,
// bad amounts or rates, a currency that is not three letters, a payer other
// than seller/buyer/split are kConfig errors naming the key. A missing file
// is a kConfig error unless `missing_ok`. Every bad line is reported, one
// per line of the message: "FILE: section.key: expected …, got '…'".
// Relative paths in the file are made absolute against the file's own
// directory; fingerprints are stored without blanks, in upper case; '#'
// starts a comment anywhere on a line, ';' at the start of one.
Result<Config> Load(const std::string& path, bool missing_ok);

// Where the config lives: --config, else $CYBERTROC_CONFIG, else the default.
std::string ResolvePath(const std::string& from_command_line);

}  // namespace ct::config

#endif  // CYBERTROC_CONFIG_CONFIG_H_
