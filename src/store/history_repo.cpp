// HistoryRepo: the append-only events and ledger of a deal (the schema's
// triggers refuse UPDATE and DELETE), and the exactly-once timer guard.
#include "store/history_repo.h"

#include <string>
#include <utility>
#include <vector>

#include "store/codec.h"

namespace ct::store {
namespace {

using internal::BindIdOrNull;
using internal::BindMoney;
using internal::BindTime;
using internal::ColumnMoney;
using internal::ColumnTime;

EventRecord ReadEvent(const Statement& st) {
  EventRecord event;
  event.id = st.ColumnInt(0);
  event.deal_id = st.ColumnText(1);
  event.at = ColumnTime(st, 2);
  event.code = static_cast<int>(st.ColumnInt(3));
  event.actor = st.ColumnText(4);
  event.actor_email = st.ColumnText(5);
  event.from_state = st.ColumnText(6);
  event.to_state = st.ColumnText(7);
  event.refused = st.ColumnInt(8) != 0;
  event.detail = st.ColumnText(9);
  event.message_ref = st.ColumnText(10);
  return event;
}

LedgerRecord ReadLedger(const Statement& st) {
  LedgerRecord entry;
  entry.id = st.ColumnInt(0);
  entry.deal_id = st.ColumnText(1);
  entry.at = ColumnTime(st, 2);
  entry.kind = st.ColumnText(3);
  entry.role = st.ColumnText(4);
  entry.amount = ColumnMoney(st, 5);
  entry.reason = st.ColumnText(6);
  entry.reference = st.ColumnText(7);
  entry.event_id = st.ColumnInt(8);  // NULL reads as 0: no event
  return entry;
}

}  // namespace

Result<int64_t> HistoryRepo::AppendEvent(const EventRecord& event) {
  Result<Statement> st = db_.Prepare(
      "INSERT INTO events (deal_id, at, code, actor, actor_email, from_state, "
      "to_state, refused, detail, message_ref) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  CT_TRY(st);
  st->Bind(1, event.deal_id);
  BindTime(*st, 2, event.at);
  st->Bind(3, int64_t{event.code}).Bind(4, event.actor);
  st->Bind(5, event.actor_email).Bind(6, event.from_state);
  st->Bind(7, event.to_state).Bind(8, int64_t{event.refused ? 1 : 0});
  st->Bind(9, event.detail).Bind(10, event.message_ref);
  CT_TRY(st->Run());
  return db_.LastInsertId();
}

Result<std::vector<EventRecord>> HistoryRepo::Events(
    const std::string& deal_id) {
  Result<Statement> st = db_.Prepare(
      "SELECT id, deal_id, at, code, actor, actor_email, from_state, to_state, "
      "refused, detail, message_ref FROM events WHERE deal_id = ?1 ORDER BY "
      "id");
  CT_TRY(st);
  st->Bind(1, deal_id);
  return internal::CollectRows<EventRecord>(*st, ReadEvent);
}

Result<int64_t> HistoryRepo::AppendLedger(const LedgerRecord& entry) {
  Result<Statement> st = db_.Prepare(
      "INSERT INTO ledger (deal_id, at, kind, role, amount, reason, reference, "
      "event_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  CT_TRY(st);
  st->Bind(1, entry.deal_id);
  BindTime(*st, 2, entry.at);
  st->Bind(3, entry.kind).Bind(4, entry.role);
  BindMoney(*st, 5, entry.amount);
  st->Bind(6, entry.reason).Bind(7, entry.reference);
  BindIdOrNull(*st, 8, entry.event_id);
  CT_TRY(st->Run());
  return db_.LastInsertId();
}

Result<std::vector<LedgerRecord>> HistoryRepo::Ledger(
    const std::string& deal_id) {
  Result<Statement> st = db_.Prepare(
      "SELECT id, deal_id, at, kind, role, amount, reason, reference, event_id "
      "FROM ledger WHERE deal_id = ?1 ORDER BY id");
  CT_TRY(st);
  st->Bind(1, deal_id);
  return internal::CollectRows<LedgerRecord>(*st, ReadLedger);
}

Result<bool> HistoryRepo::RecordTimer(const std::string& deal_id,
                                      const std::string& kind, core::Time due,
                                      int seq) {
  // ON CONFLICT DO NOTHING ignores only the primary-key clash (already
  // fired); unlike INSERT OR IGNORE it still reports NOT NULL and foreign
  // key violations.
  Result<Statement> st = db_.Prepare(
      "INSERT INTO timers_fired (deal_id, kind, due, seq, fired_at) "
      "VALUES (?1, ?2, ?3, ?4, CAST(strftime('%s', 'now') AS INTEGER)) "
      "ON CONFLICT (deal_id, kind, due, seq) DO NOTHING");
  CT_TRY(st);
  st->Bind(1, deal_id).Bind(2, kind);
  BindTime(*st, 3, due);
  st->Bind(4, int64_t{seq});
  CT_TRY(st->Run());
  return db_.Changes() == 1;
}

}  // namespace ct::store
