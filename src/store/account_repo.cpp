// AccountRepo and BankEntryRepo: the tables of schema migration
// "kSchemaAccounts" and the reversals of "kSchemaReversals".
#include "store/account_repo.h"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <vector>

#include "store/bank_entry_repo.h"
#include "store/codec.h"

namespace ct::store {
namespace {

using internal::AsciiLower;
using internal::BindMoney;
using internal::BindTime;
using internal::ColumnMoney;
using internal::ColumnTime;

constexpr std::string_view kSelectAccounts =
    "SELECT id, email, fingerprint, iban, bic, name, requested, effective, "
    "status, message_ref FROM payout_accounts ";

PayoutAccountRecord ReadAccount(const Statement& st) {
  PayoutAccountRecord a;
  a.id = st.ColumnInt(0);
  a.email = st.ColumnText(1);
  a.fingerprint = st.ColumnText(2);
  a.iban = st.ColumnText(3);
  a.bic = st.ColumnText(4);
  a.name = st.ColumnText(5);
  a.requested = ColumnTime(st, 6);
  a.effective = ColumnTime(st, 7);
  a.status = st.ColumnText(8);
  a.message_ref = st.ColumnText(9);
  return a;
}

Result<std::optional<PayoutAccountRecord>> One(Database& db,
                                               const std::string& email,
                                               std::string_view status) {
  Result<Statement> st = db.Prepare(std::string(kSelectAccounts) +
                                    "WHERE email = ?1 AND status = ?2");
  CT_TRY(st);
  st->Bind(1, AsciiLower(email)).Bind(2, status);
  Result<bool> row = st->Step();
  CT_TRY(row);
  if (!*row) return std::nullopt;
  return ReadAccount(*st);
}

}  // namespace

Result<int64_t> AccountRepo::Insert(const PayoutAccountRecord& a) {
  Result<Statement> st = db_.Prepare(
      "INSERT INTO payout_accounts (email, fingerprint, iban, bic, name, "
      "requested, effective, status, message_ref) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  CT_TRY(st);
  st->Bind(1, AsciiLower(a.email)).Bind(2, a.fingerprint).Bind(3, a.iban);
  st->Bind(4, a.bic).Bind(5, a.name);
  BindTime(*st, 6, a.requested);
  BindTime(*st, 7, a.effective);
  st->Bind(8, a.status).Bind(9, a.message_ref);
  CT_TRY(st->Run());
  return db_.LastInsertId();
}

Result<std::optional<PayoutAccountRecord>> AccountRepo::Active(
    const std::string& email) {
  return One(db_, email, "active");
}

Result<std::optional<PayoutAccountRecord>> AccountRepo::Pending(
    const std::string& email) {
  return One(db_, email, "pending");
}

Result<std::vector<PayoutAccountRecord>> AccountRepo::Due(core::Time now) {
  Result<Statement> st = db_.Prepare(
      std::string(kSelectAccounts) +
      "WHERE status = 'pending' AND effective <= ?1 ORDER BY effective, id");
  CT_TRY(st);
  BindTime(*st, 1, now);
  return internal::CollectRows<PayoutAccountRecord>(*st, ReadAccount);
}

Result<std::vector<PayoutAccountRecord>> AccountRepo::Current() {
  Result<Statement> st =
      db_.Prepare(std::string(kSelectAccounts) +
                  "WHERE status IN ('active', 'pending') ORDER BY email, id");
  CT_TRY(st);
  return internal::CollectRows<PayoutAccountRecord>(*st, ReadAccount);
}

Result<void> AccountRepo::SetStatus(int64_t id, const std::string& status) {
  Result<Statement> st =
      db_.Prepare("UPDATE payout_accounts SET status = ?2 WHERE id = ?1");
  CT_TRY(st);
  CT_TRY(st->Bind(1, id).Bind(2, status).Run());
  if (db_.Changes() != 1)
    return Fail(ErrorKind::kNotFound,
                "unknown payout account " + std::to_string(id));
  return {};
}

namespace {

constexpr char kBankEntryColumns[] =
    "entry_key, reference, deal_id, role, amount, imported, event_id, kind";

BankEntryRecord ReadBankEntry(const Statement& st) {
  return BankEntryRecord{st.ColumnText(0),   st.ColumnText(1),
                         st.ColumnText(2),   st.ColumnText(3),
                         ColumnMoney(st, 4), ColumnTime(st, 5),
                         st.ColumnInt(6),    st.ColumnText(7)};
}

}  // namespace

Result<void> BankEntryRepo::Insert(const BankEntryRecord& e) {
  Result<Statement> st = db_.Prepare(
      fmt::format("INSERT INTO bank_entries ({}) VALUES (?1, ?2, ?3, ?4, ?5, "
                  "?6, ?7, ?8) ON CONFLICT (entry_key) DO NOTHING",
                  kBankEntryColumns));
  CT_TRY(st);
  st->Bind(1, e.key).Bind(2, e.reference).Bind(3, e.deal_id).Bind(4, e.role);
  BindMoney(*st, 5, e.amount);
  BindTime(*st, 6, e.imported);
  CT_TRY(st->Bind(7, e.event_id).Bind(8, e.kind).Run());
  if (db_.Changes() != 1)
    return Fail(ErrorKind::kRefused,
                "bank entry " + e.key + " is already recorded");
  return {};
}

Result<std::optional<BankEntryRecord>> BankEntryRepo::Find(
    const std::string& key) {
  Result<Statement> st = db_.Prepare(fmt::format(
      "SELECT {} FROM bank_entries WHERE entry_key = ?1", kBankEntryColumns));
  CT_TRY(st);
  Result<bool> row = st->Bind(1, key).Step();
  CT_TRY(row);
  if (!*row) return std::nullopt;
  return ReadBankEntry(*st);
}

Result<std::vector<BankEntryRecord>> BankEntryRepo::Reversals(
    const std::string& deal_id, const std::string& role) {
  Result<Statement> st = db_.Prepare(
      fmt::format("SELECT {} FROM bank_entries WHERE deal_id = ?1 AND role = "
                  "?2 AND kind = 'reversal' ORDER BY imported, entry_key",
                  kBankEntryColumns));
  CT_TRY(st);
  st->Bind(1, deal_id).Bind(2, role);
  return internal::CollectRows<BankEntryRecord>(*st, ReadBankEntry);
}

}  // namespace ct::store
