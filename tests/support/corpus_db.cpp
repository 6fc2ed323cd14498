#include "corpus_db.h"

namespace corpus {

Db::Db(const std::filesystem::path& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) !=
      SQLITE_OK) {
    sqlite3_close(db_);
    db_ = nullptr;
  }
}

std::vector<std::vector<std::string>> Db::Query(const std::string& sql,
                                                const std::string& param,
                                                bool bind) {
  std::vector<std::vector<std::string>> rows;
  if (!db_) return rows;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK)
    return rows;
  if (bind) sqlite3_bind_text(st, 1, param.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(st) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const void* blob = sqlite3_column_blob(st, i);
      int n = sqlite3_column_bytes(st, i);
      row.emplace_back(blob ? std::string(static_cast<const char*>(blob), n)
                            : "");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  return rows;
}

InboxRow Db::Inbox(const std::string& message_id) {
  InboxRow row;
  auto rows = Query(
      "SELECT status, outcome, deal_id, length(raw) FROM inbox WHERE "
      "message_id = ?1 ORDER BY id DESC LIMIT 1",
      message_id, true);
  if (rows.empty()) return row;
  row.found = true;
  row.status = rows[0][0];
  row.outcome = rows[0][1];
  row.deal_id = rows[0][2];
  row.raw_size = std::stoul(rows[0][3].empty() ? "0" : rows[0][3]);
  return row;
}

std::vector<OutboxRow> Db::RepliesTo(const std::string& message_id) {
  std::vector<OutboxRow> out;
  for (auto& r : Query("SELECT to_email, to_role, kind, templates, subject, "
                       "body, status FROM outbox "
                       "WHERE in_reply_to = ?1 ORDER BY id",
                       message_id, true))
    out.push_back({r[0], r[1], r[2], r[3], r[4], r[5], r[6]});
  return out;
}

std::vector<std::string> Db::AllRecipients() {
  std::vector<std::string> out;
  for (auto& r : Query("SELECT DISTINCT lower(to_email) FROM outbox"))
    out.push_back(r[0]);
  return out;
}

}  // namespace corpus
