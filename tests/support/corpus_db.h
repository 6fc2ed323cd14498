// Read-only queries on a cybertroc database for the inbound-mail corpus:
// the inbox row of a Message-ID and the outbox rows answering it.
#ifndef CYBERTROC_TESTS_SUPPORT_CORPUS_DB_H_
#define CYBERTROC_TESTS_SUPPORT_CORPUS_DB_H_

#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

namespace corpus {

struct InboxRow {
  bool found = false;
  std::string status, outcome, deal_id;
  size_t raw_size = 0;
};

struct OutboxRow {
  std::string to, role, kind, templates, subject, body, status;
};

// Opened per query: the binary writes the database between queries.
class Db {
 public:
  explicit Db(const std::filesystem::path& path);
  ~Db() { sqlite3_close(db_); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  bool ok() const { return db_ != nullptr; }

  // Rows of `sql`, every column as text; `param` is bound to ?1 when
  // `bind` is set.
  std::vector<std::vector<std::string>> Query(const std::string& sql,
                                              const std::string& param = "",
                                              bool bind = false);

  // The latest inbox row of `message_id` (found = false when none).
  InboxRow Inbox(const std::string& message_id);

  // Every outbox row answering `message_id`, oldest first.
  std::vector<OutboxRow> RepliesTo(const std::string& message_id);

  // Every address mail was ever queued to, lower case.
  std::vector<std::string> AllRecipients();

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace corpus

#endif  // CYBERTROC_TESTS_SUPPORT_CORPUS_DB_H_
