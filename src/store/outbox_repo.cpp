// OutboxRepo: outgoing mail, queued in the transaction of the change that
// caused it and updated by the sender as attempts succeed or fail.
#include "store/outbox_repo.h"

#include <string>
#include <utility>
#include <vector>

#include "store/codec.h"

namespace ct::store {
namespace {

using internal::BindOptTime;
using internal::BindTextOrNull;
using internal::BindTime;
using internal::ColumnOptTime;
using internal::ColumnTime;

constexpr std::string_view kSelectOutbox =
    "SELECT id, deal_id, created, to_email, to_role, lang, kind, templates, "
    "subject, body, in_reply_to, status, attempts, next_attempt, last_error, "
    "sent_at, message_id FROM outbox ";

OutboxRecord ReadOutbox(const Statement& st) {
  OutboxRecord m;
  m.id = st.ColumnInt(0);
  m.deal_id = st.ColumnText(1);  // NULL reads as "": no deal
  m.created = ColumnTime(st, 2);
  m.to_email = st.ColumnText(3);
  m.to_role = st.ColumnText(4);
  m.lang = st.ColumnText(5);
  m.kind = st.ColumnText(6);
  m.templates = st.ColumnText(7);
  m.subject = st.ColumnText(8);
  m.body = st.ColumnText(9);
  m.in_reply_to = st.ColumnText(10);
  m.status = st.ColumnText(11);
  m.attempts = static_cast<int>(st.ColumnInt(12));
  m.next_attempt = ColumnOptTime(st, 13);
  m.last_error = st.ColumnText(14);
  m.sent_at = ColumnOptTime(st, 15);
  m.message_id = st.ColumnText(16);
  return m;
}

// Binds every column but id as ?2..?17, in table order (?1 is the id).
void BindOutboxColumns(Statement& st, const OutboxRecord& m) {
  BindTextOrNull(st, 2, m.deal_id);
  BindTime(st, 3, m.created);
  st.Bind(4, m.to_email).Bind(5, m.to_role).Bind(6, m.lang);
  st.Bind(7, m.kind).Bind(8, m.templates).Bind(9, m.subject);
  st.Bind(10, m.body).Bind(11, m.in_reply_to).Bind(12, m.status);
  st.Bind(13, int64_t{m.attempts});
  BindOptTime(st, 14, m.next_attempt);
  st.Bind(15, m.last_error);
  BindOptTime(st, 16, m.sent_at);
  st.Bind(17, m.message_id);
}

Result<void> InsertAttachments(Database& db, int64_t outbox_id,
                               const std::vector<AttachmentRecord>& files) {
  for (size_t i = 0; i < files.size(); ++i) {
    // CAST keeps the bytes of a binary file (a STRICT BLOB takes no TEXT).
    Result<Statement> st = db.Prepare(
        "INSERT INTO outbox_attachments (outbox_id, position, filename, "
        "content_type, data) VALUES (?1, ?2, ?3, ?4, CAST(?5 AS BLOB))");
    CT_TRY(st);
    st->Bind(1, outbox_id).Bind(2, static_cast<int64_t>(i));
    st->Bind(3, files[i].filename).Bind(4, files[i].content_type);
    CT_TRY(st->Bind(5, files[i].data).Run());
  }
  return {};
}

// Fills the attachments of `rows` (ordered by id) with one query over
// their id range: most rows have none.
Result<void> LoadAttachments(Database& db, std::vector<OutboxRecord>& rows) {
  if (rows.empty()) return {};
  Result<Statement> st = db.Prepare(
      "SELECT outbox_id, filename, content_type, data FROM outbox_attachments "
      "WHERE outbox_id BETWEEN ?1 AND ?2 ORDER BY outbox_id, position");
  CT_TRY(st);
  st->Bind(1, rows.front().id).Bind(2, rows.back().id);
  size_t at = 0;
  for (;;) {
    Result<bool> has_row = st->Step();
    CT_TRY(has_row);
    if (!*has_row) return {};
    const int64_t id = st->ColumnInt(0);
    while (at < rows.size() && rows[at].id < id) ++at;
    if (at == rows.size()) return {};
    if (rows[at].id != id) continue;  // not due (another page, or sent)
    rows[at].attachments.push_back(
        {st->ColumnText(1), st->ColumnText(2), st->ColumnText(3)});
  }
}

}  // namespace

Result<int64_t> OutboxRepo::Enqueue(const OutboxRecord& message) {
  // ?1 (the id) is left NULL so that SQLite assigns it.
  Result<Statement> st = db_.Prepare(
      "INSERT INTO outbox (id, deal_id, created, to_email, to_role, lang, "
      "kind, "
      "templates, subject, body, in_reply_to, status, attempts, next_attempt, "
      "last_error, sent_at, message_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
      "?8, "
      "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
  CT_TRY(st);
  st->BindNull(1);
  BindOutboxColumns(*st, message);
  CT_TRY(st->Run());
  const int64_t id = db_.LastInsertId();
  CT_TRY(InsertAttachments(db_, id, message.attachments));
  return id;
}

Result<std::vector<OutboxRecord>> OutboxRepo::OfDeal(
    const std::string& deal_id) {
  Result<Statement> st = db_.Prepare(std::string(kSelectOutbox) +
                                     "WHERE deal_id = ?1 ORDER BY id");
  CT_TRY(st);
  st->Bind(1, deal_id);
  return internal::CollectRows<OutboxRecord>(*st, ReadOutbox);
}

Result<std::vector<OutboxRecord>> OutboxRepo::Due(core::Time now,
                                                  int64_t after_id,
                                                  int64_t last_id, int limit) {
  // Only "queued" is waiting: sent, failed and gave_up are final. A message
  // with no next_attempt has never been tried and is due at once.
  // INDEXED BY: left to itself the planner prefers outbox_due and sorts
  // every queued row for each page (schema.cpp, version 4).
  Result<Statement> st = db_.Prepare(
      "SELECT id, deal_id, created, to_email, to_role, lang, kind, templates, "
      "subject, body, in_reply_to, status, attempts, next_attempt, "
      "last_error, sent_at, message_id FROM outbox INDEXED BY outbox_queued "
      "WHERE status = 'queued' AND (next_attempt IS NULL OR "
      "next_attempt <= ?1) AND id > ?2 AND id <= ?3 "
      "ORDER BY id LIMIT ?4");
  CT_TRY(st);
  BindTime(*st, 1, now);
  st->Bind(2, after_id).Bind(3, last_id).Bind(4, int64_t{limit});
  auto rows = internal::CollectRows<OutboxRecord>(*st, ReadOutbox);
  CT_TRY(rows);
  CT_TRY(LoadAttachments(db_, *rows));
  return rows;
}

Result<int64_t> OutboxRepo::LastId() {
  Result<Statement> st = db_.Prepare("SELECT coalesce(max(id), 0) FROM outbox");
  CT_TRY(st);
  Result<bool> row = st->Step();
  CT_TRY(row);
  return *row ? st->ColumnInt(0) : 0;
}

Result<void> OutboxRepo::Save(const OutboxRecord& message) {
  Result<Statement> st = db_.Prepare(
      "UPDATE outbox SET deal_id = ?2, created = ?3, to_email = ?4, "
      "to_role = ?5, lang = ?6, kind = ?7, templates = ?8, subject = ?9, "
      "body = ?10, in_reply_to = ?11, status = ?12, attempts = ?13, "
      "next_attempt = ?14, last_error = ?15, sent_at = ?16, message_id = ?17 "
      "WHERE id = ?1");
  CT_TRY(st);
  st->Bind(1, message.id);
  BindOutboxColumns(*st, message);
  CT_TRY(st->Run());
  if (db_.Changes() == 0) {
    return Fail(ErrorKind::kNotFound,
                "unknown outbox message " + std::to_string(message.id));
  }
  return {};
}

Result<void> OutboxRepo::MarkSent(int64_t id, int attempts, core::Time at) {
  Result<Statement> st = db_.Prepare(
      "UPDATE outbox SET status = 'sent', attempts = ?2, sent_at = ?3, "
      "last_error = '' WHERE id = ?1");
  CT_TRY(st);
  st->Bind(1, id).Bind(2, int64_t{attempts});
  BindTime(*st, 3, at);
  CT_TRY(st->Run());
  if (db_.Changes() == 0) {
    return Fail(ErrorKind::kNotFound,
                "unknown outbox message " + std::to_string(id));
  }
  return {};
}

Result<int> OutboxRepo::CountReplies(const std::string& email,
                                     core::Time since) {
  // to_email is COLLATE NOCASE: the count ignores the address's case.
  Result<Statement> st = db_.Prepare(
      "SELECT count(*) FROM outbox "
      "WHERE kind = 'refusal' AND to_email = ?1 AND created >= ?2");
  CT_TRY(st);
  st->Bind(1, email);
  BindTime(*st, 2, since);
  Result<bool> row = st->Step();
  CT_TRY(row);
  return *row ? static_cast<int>(st->ColumnInt(0)) : 0;
}

}  // namespace ct::store
