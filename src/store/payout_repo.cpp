// PayoutRepo: payout instructions created when a deal ends, marked done by
// the operator once the money has really moved.
#include "store/payout_repo.h"

#include <string>
#include <utility>
#include <vector>

#include "store/codec.h"

namespace ct::store {
namespace {

using internal::BindMoney;
using internal::BindTime;
using internal::ColumnMoney;
using internal::ColumnOptTime;
using internal::ColumnTime;

constexpr std::string_view kSelectPayouts =
    "SELECT id, deal_id, created, payee_role, payee_email, amount, currency, "
    "reason, status, done_ref, done_at FROM payouts ";

PayoutRecord ReadPayout(const Statement& st) {
  PayoutRecord payout;
  payout.id = st.ColumnInt(0);
  payout.deal_id = st.ColumnText(1);
  payout.created = ColumnTime(st, 2);
  payout.payee_role = st.ColumnText(3);
  payout.payee_email = st.ColumnText(4);
  payout.amount = ColumnMoney(st, 5);
  payout.currency = st.ColumnText(6);
  payout.reason = st.ColumnText(7);
  payout.status = st.ColumnText(8);
  payout.done_ref = st.ColumnText(9);
  payout.done_at = ColumnOptTime(st, 10);
  return payout;
}

Result<std::vector<PayoutRecord>> Query(Database& db, std::string_view where,
                                        const std::string* deal_id) {
  Result<Statement> st =
      db.Prepare(std::string(kSelectPayouts) + std::string(where));
  CT_TRY(st);
  if (deal_id != nullptr) st->Bind(1, *deal_id);
  return internal::CollectRows<PayoutRecord>(*st, ReadPayout);
}

Result<std::optional<PayoutRecord>> Find(Database& db, int64_t id) {
  Result<Statement> st =
      db.Prepare(std::string(kSelectPayouts) + "WHERE id = ?1");
  CT_TRY(st);
  Result<bool> row = st->Bind(1, id).Step();
  CT_TRY(row);
  if (!*row) return std::nullopt;
  return ReadPayout(*st);
}

Error AlreadyDone(const PayoutRecord& payout) {
  return Error{ErrorKind::kRefused, "payout " + std::to_string(payout.id) +
                                        " is already done (ref " +
                                        payout.done_ref + ")"};
}

}  // namespace

Result<int64_t> PayoutRepo::Insert(const PayoutRecord& payout) {
  Result<Statement> st = db_.Prepare(
      "INSERT INTO payouts (deal_id, created, payee_role, payee_email, amount, "
      "currency, reason, status, done_ref, done_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  CT_TRY(st);
  st->Bind(1, payout.deal_id);
  BindTime(*st, 2, payout.created);
  st->Bind(3, payout.payee_role).Bind(4, payout.payee_email);
  BindMoney(*st, 5, payout.amount);
  st->Bind(6, payout.currency).Bind(7, payout.reason);
  st->Bind(8, payout.status).Bind(9, payout.done_ref);
  internal::BindOptTime(*st, 10, payout.done_at);
  CT_TRY(st->Run());
  return db_.LastInsertId();
}

Result<std::vector<PayoutRecord>> PayoutRepo::List(bool pending_only) {
  return Query(
      db_,
      pending_only ? "WHERE status = 'pending' ORDER BY id" : "ORDER BY id",
      nullptr);
}

Result<std::vector<PayoutRecord>> PayoutRepo::OfDeal(
    const std::string& deal_id) {
  return Query(db_, "WHERE deal_id = ?1 ORDER BY id", &deal_id);
}

Result<std::optional<PayoutRecord>> PayoutRepo::Find(int64_t id) {
  return store::Find(db_, id);
}

Result<PayoutRecord> PayoutRepo::MarkDone(int64_t id, const std::string& ref,
                                          core::Time at) {
  Result<std::optional<PayoutRecord>> found = Find(id);
  CT_TRY(found);
  if (!*found)
    return Fail(ErrorKind::kNotFound, "unknown payout " + std::to_string(id));
  if ((*found)->status == "done") return std::unexpected(AlreadyDone(**found));

  Result<Statement> st = db_.Prepare(
      "UPDATE payouts SET status = 'done', done_ref = ?2, done_at = ?3 "
      "WHERE id = ?1 AND status = 'pending'");
  CT_TRY(st);
  st->Bind(1, id).Bind(2, ref);
  BindTime(*st, 3, at);
  CT_TRY(st->Run());
  if (db_.Changes() != 1) {
    // Someone else marked it between our read and write (no transaction
    // around the call): report their reference, not ours.
    Result<std::optional<PayoutRecord>> now_done = Find(id);
    CT_TRY(now_done);
    if (!*now_done)
      return Fail(ErrorKind::kNotFound, "unknown payout " + std::to_string(id));
    return std::unexpected(AlreadyDone(**now_done));
  }
  PayoutRecord done = std::move(**found);
  done.status = "done";
  done.done_ref = ref;
  done.done_at = at;
  return done;
}

}  // namespace ct::store
