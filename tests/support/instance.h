// One cybertroc installation for the tests that use the real mail servers
// (MailWorld): its config, database, dir:// outbox, log file and escrow
// GnuPG home, and the commands and SQL queries run against it.
// GoogleTest-free; needs the sqlite3 command-line tool (for Sql).
#ifndef CYBERTROC_TESTS_SUPPORT_INSTANCE_H_
#define CYBERTROC_TESTS_SUPPORT_INSTANCE_H_

#include <filesystem>
#include <string>
#include <vector>

#include "mail_world.h"
#include "processes.h"

namespace cttest {

namespace fs = std::filesystem;

// The From of every message the escrow sends in the tests.
inline constexpr char kFrom[] = "CyberTroc <escrow@example.test>";

// The lines of a test installation's ct.conf that its test chooses, by
// section; ConfigText() writes the rest, which every test shares.
struct ConfigLines {
  std::string inbox = "";   // [inbox]: "url = ...\n" and more
  std::string outbox = "";  // [outbox], before from and operator: "url = ...\n"
  std::string gpg = "";     // [gpg], after the home and the keys
  std::string log = "";     // [log], before the file
  std::string extra = "";   // at the end: more sections
};

// ct.conf of an installation whose database is `db`, escrow GnuPG home
// `gpg_home` and log file `log`, signing with the harness key `escrow_key`
// and knowing the operator's `operator_key`: [store], [inbox], [outbox]
// (the escrow sends as kFrom, the operator is told), [gpg], [rules] and
// [templates] of the source tree (English), [log], then `lines.extra`.
std::string ConfigText(const ConfigLines& lines, const fs::path& db,
                       const fs::path& gpg_home, const fs::path& log,
                       const std::string& escrow_key,
                       const std::string& operator_key);

// [inbox] settings of one configuration.
struct InboxSettings {
  std::string url;
  std::string password_file;
  std::string tls_ca_file;
  std::string processed_folder;  // written even when empty ("" = \Seen)
};

class Instance {
 public:
  // A fresh directory ct-<label> under the world's, with a new escrow home.
  Instance(MailWorld& world, const std::string& label);
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;
  ~Instance();

  const fs::path& dir() const { return dir_; }
  fs::path db() const { return dir_ / "ct.db"; }
  fs::path config() const { return dir_ / "ct.conf"; }
  fs::path outbox_dir() const { return dir_ / "out"; }
  fs::path log() const { return dir_ / "ct.log"; }
  const fs::path& gpg_home() const { return gpg_home_; }

  // Writes ct.conf; `extra` is appended as is (more INI sections).
  void WriteConfig(const InboxSettings& inbox, const std::string& extra = "");

  // Writes ct.conf (ConfigText) with the harness's escrow and operator keys.
  void WriteConfig(const ConfigLines& lines);

  // The shell command line of `cybertroc --config ct.conf ARGS`, with
  // `env` (e.g. "CYBERTROC_CRASH_AT=after-store") in front.
  std::string Command(const std::vector<std::string>& args,
                      const std::string& env = "") const;

  Cmd Run(const std::vector<std::string>& args,
          const std::string& env = "") const {
    return Shell(Command(args, env));
  }

  // Result rows of `query` on the database, columns joined by '|'.
  std::vector<std::string> Sql(const std::string& query) const;

  // The single number a query returns.
  long SqlCount(const std::string& query) const;

  // 'text' for SQL.
  static std::string SqlText(const std::string& text);

  // The raw bytes stored for the message with this Message-ID (all rows,
  // oldest first: exactly-once tests expect one).
  std::vector<std::string> StoredRaw(const std::string& message_id) const;

  // Files the dir:// outbox holds (sent mail), by name (= send order).
  std::vector<fs::path> SentFiles() const;

 private:
  MailWorld& world_;
  fs::path dir_;
  fs::path gpg_home_;
};

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_INSTANCE_H_
