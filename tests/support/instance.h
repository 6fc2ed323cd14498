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
