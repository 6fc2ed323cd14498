// InboxRepo: every fetched message, stored byte-exact before it is
// acknowledged on the server, and the quarantine of refused ones.
#include "store/inbox_repo.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/codec.h"

namespace ct::store {
namespace {

using internal::BindTime;
using internal::ColumnTime;

constexpr std::string_view kSelectInbox =
    "SELECT id, source, server_uid, message_id, digest, fetched, raw, status, "
    "outcome, deal_id, attempts, last_error FROM inbox ";

InboxRecord ReadInbox(const Statement& st) {
  InboxRecord m;
  m.id = st.ColumnInt(0);
  m.source = st.ColumnText(1);
  m.server_uid = st.ColumnText(2);
  m.message_id = st.ColumnText(3);
  m.digest = st.ColumnText(4);
  m.fetched = ColumnTime(st, 5);
  m.raw = st.ColumnText(6);  // ColumnText reads blobs byte-exact
  m.status = st.ColumnText(7);
  m.outcome = st.ColumnText(8);
  m.deal_id = st.ColumnText(9);
  m.attempts = static_cast<int>(st.ColumnInt(10));
  m.last_error = st.ColumnText(11);
  return m;
}

QuarantineRecord ReadQuarantine(const Statement& st) {
  QuarantineRecord q;
  q.id = st.ColumnInt(0);
  q.inbox_id = st.ColumnInt(1);
  q.message_id = st.ColumnText(2);
  q.from_addr = st.ColumnText(3);
  q.reason = st.ColumnText(4);
  q.at = ColumnTime(st, 5);
  return q;
}

// The row that made an insert of `m` conflict.
Result<int64_t> FindConflicting(Database& db, const InboxRecord& m) {
  Result<Statement> st = db.Prepare(
      "SELECT id FROM inbox WHERE (message_id = ?1 AND digest = ?2) "
      "OR (server_uid <> '' AND source = ?3 AND server_uid = ?4) "
      "ORDER BY id LIMIT 1");
  CT_TRY(st);
  st->Bind(1, m.message_id).Bind(2, m.digest);
  st->Bind(3, m.source).Bind(4, m.server_uid);
  Result<bool> row = st->Step();
  CT_TRY(row);
  if (!*row) {
    return Fail(ErrorKind::kInternal, "inbox: conflicting row vanished");
  }
  return st->ColumnInt(0);
}

}  // namespace

Result<int64_t> InboxRepo::Store(const InboxRecord& message, bool* duplicate) {
  if (duplicate != nullptr) *duplicate = false;
  // CAST keeps the bytes (NULs, CRLF, any encoding) and stores them as a
  // BLOB, so SQLite never treats the message as text. DO NOTHING without a
  // target covers both uniqueness rules (Message-ID + digest, server uid).
  Result<Statement> st = db_.Prepare(
      "INSERT INTO inbox (source, server_uid, message_id, digest, fetched, "
      "raw, "
      "status, outcome, deal_id) "
      "VALUES (?1, ?2, ?3, ?4, ?5, CAST(?6 AS BLOB), ?7, ?8, ?9) "
      "ON CONFLICT DO NOTHING");
  CT_TRY(st);
  st->Bind(1, message.source).Bind(2, message.server_uid);
  st->Bind(3, message.message_id).Bind(4, message.digest);
  BindTime(*st, 5, message.fetched);
  st->Bind(6, message.raw).Bind(7, message.status);
  st->Bind(8, message.outcome).Bind(9, message.deal_id);
  CT_TRY(st->Run());
  if (db_.Changes() == 1) return db_.LastInsertId();
  if (duplicate != nullptr) *duplicate = true;
  return FindConflicting(db_, message);
}

Result<InboxRecord> InboxRepo::Load(int64_t id) {
  Result<Statement> st =
      db_.Prepare(std::string(kSelectInbox) + "WHERE id = ?1");
  CT_TRY(st);
  Result<bool> row = st->Bind(1, id).Step();
  CT_TRY(row);
  if (!*row) {
    return Fail(ErrorKind::kNotFound,
                "unknown inbox message " + std::to_string(id));
  }
  return ReadInbox(*st);
}

Result<std::optional<InboxRecord>> InboxRepo::FindByMessageId(
    const std::string& mid) {
  Result<Statement> st = db_.Prepare(
      std::string(kSelectInbox) + "WHERE message_id = ?1 ORDER BY id LIMIT 1");
  CT_TRY(st);
  Result<bool> row = st->Bind(1, mid).Step();
  CT_TRY(row);
  if (!*row) return std::nullopt;
  return ReadInbox(*st);
}

Result<std::vector<int64_t>> InboxRepo::Pending() {
  Result<Statement> st =
      db_.Prepare("SELECT id FROM inbox WHERE status = 'new' ORDER BY id");
  CT_TRY(st);
  return internal::CollectRows<int64_t>(
      *st, [](const Statement& row) { return row.ColumnInt(0); });
}

Result<std::vector<int64_t>> InboxRepo::Retried() {
  Result<Statement> st = db_.Prepare(
      "SELECT id FROM inbox WHERE status = 'new' "
      "AND (attempts > 0 OR last_error <> '') ORDER BY id");
  CT_TRY(st);
  return internal::CollectRows<int64_t>(
      *st, [](const Statement& row) { return row.ColumnInt(0); });
}

Result<bool> InboxRepo::KnownSender(const std::string& email) {
  // EXISTS stops at the first row: bindings by its primary key (addresses
  // stored in lower case), parties by parties_email (COLLATE NOCASE); never
  // a scan of the deals.
  Result<Statement> st = db_.Prepare(
      "SELECT EXISTS (SELECT 1 FROM bindings WHERE email = ?1) OR "
      "EXISTS (SELECT 1 FROM parties WHERE email = ?1)");
  CT_TRY(st);
  Result<bool> row = st->Bind(1, internal::AsciiLower(email)).Step();
  CT_TRY(row);
  return *row && st->ColumnInt(0) != 0;
}

Result<void> InboxRepo::SetStatus(int64_t id, const std::string& status,
                                  const std::string& outcome,
                                  const std::string& deal_id) {
  // An outcome supersedes the error of an unfinished attempt.
  Result<Statement> st = db_.Prepare(
      "UPDATE inbox SET status = ?2, outcome = ?3, deal_id = ?4, "
      "last_error = '' WHERE id = ?1");
  CT_TRY(st);
  st->Bind(1, id).Bind(2, status).Bind(3, outcome).Bind(4, deal_id);
  CT_TRY(st->Run());
  if (db_.Changes() == 0) {
    return Fail(ErrorKind::kNotFound,
                "unknown inbox message " + std::to_string(id));
  }
  return {};
}

Result<void> InboxRepo::SetAttempts(int64_t id, int attempts,
                                    const std::string& last_error) {
  Result<Statement> st = db_.Prepare(
      "UPDATE inbox SET attempts = ?2, last_error = ?3 WHERE id = ?1");
  CT_TRY(st);
  st->Bind(1, id).Bind(2, static_cast<int64_t>(attempts)).Bind(3, last_error);
  CT_TRY(st->Run());
  if (db_.Changes() == 0) {
    return Fail(ErrorKind::kNotFound,
                "unknown inbox message " + std::to_string(id));
  }
  return {};
}

Result<int64_t> InboxRepo::Quarantine(const QuarantineRecord& entry) {
  Result<Statement> st = db_.Prepare(
      "INSERT INTO quarantine (inbox_id, message_id, from_addr, reason, at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  CT_TRY(st);
  st->Bind(1, entry.inbox_id).Bind(2, entry.message_id);
  st->Bind(3, entry.from_addr).Bind(4, entry.reason);
  BindTime(*st, 5, entry.at);
  CT_TRY(st->Run());
  return db_.LastInsertId();
}

Result<std::vector<QuarantineRecord>> InboxRepo::Quarantined() {
  Result<Statement> st = db_.Prepare(
      // The latest verdict of each message still refused or quarantined: a
      // message applied after `reprocess` leaves the list (its old rows stay
      // as history).
      "SELECT q.id, q.inbox_id, q.message_id, q.from_addr, q.reason, q.at "
      "FROM quarantine q JOIN inbox i ON i.id = q.inbox_id "
      "WHERE i.status IN ('refused', 'quarantined') AND q.id = "
      "(SELECT max(id) FROM quarantine WHERE inbox_id = q.inbox_id) "
      "ORDER BY q.id");
  CT_TRY(st);
  return internal::CollectRows<QuarantineRecord>(*st, ReadQuarantine);
}

Result<std::vector<InboxRecord>> InboxRepo::OfDeal(const std::string& deal_id) {
  Result<Statement> st =
      db_.Prepare(std::string(kSelectInbox) + "WHERE deal_id = ?1 ORDER BY id");
  CT_TRY(st);
  st->Bind(1, deal_id);
  return internal::CollectRows<InboxRecord>(*st, ReadInbox);
}

}  // namespace ct::store
