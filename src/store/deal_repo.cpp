// DealRepo: a core::Deal is one `deals` row plus child rows (texts, amounts,
// parties, proposal split). Writes replace the children wholesale, inside
// the caller's transaction.
#include "store/deal_repo.h"

#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "store/codec.h"

namespace ct::store {
namespace {

using internal::BindMoney;
using internal::BindOptTime;
using internal::BindTime;
using internal::ColumnMoney;
using internal::ColumnOptTime;
using internal::ColumnTime;

constexpr std::string_view kInsertDeal = R"sql(
INSERT INTO deals (id, case_name, state, lang, delivery, funded, paid_in,
  paid_out, created, state_entered, deadline, reminders_fired, proposal_by,
  updated)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,
  CAST(strftime('%s', 'now') AS INTEGER)))sql";

constexpr std::string_view kUpdateDeal = R"sql(
UPDATE deals SET case_name = ?2, state = ?3, lang = ?4, delivery = ?5,
  funded = ?6, paid_in = ?7, paid_out = ?8, created = ?9, state_entered = ?10,
  deadline = ?11, reminders_fired = ?12, proposal_by = ?13,
  updated = CAST(strftime('%s', 'now') AS INTEGER)
WHERE id = ?1)sql";

constexpr std::string_view kSelectDeal = R"sql(
SELECT case_name, state, lang, delivery, funded, paid_in, paid_out, created,
  state_entered, deadline, reminders_fired, proposal_by
FROM deals WHERE id = ?1)sql";

Error UnknownDeal(const std::string& id) {
  return Error{ErrorKind::kNotFound, "unknown deal " + id};
}

// Marks are stored as a comma list, so a mark must not contain a comma (nor
// be empty, which would not survive the split).
Result<std::string> JoinMarks(const std::set<std::string>& marks) {
  std::string joined;
  for (const std::string& mark : marks) {
    if (mark.empty() || mark.find(',') != std::string::npos) {
      return Fail(ErrorKind::kInternal,
                  "deal mark \"" + mark + "\" cannot be stored");
    }
    if (!joined.empty()) joined += ',';
    joined += mark;
  }
  return joined;
}

std::set<std::string> SplitMarks(const std::string& joined) {
  std::set<std::string> marks;
  size_t start = 0;
  while (start < joined.size()) {
    size_t comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    marks.insert(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return marks;
}

void BindDealRow(Statement& st, const core::Deal& deal) {
  st.Bind(1, deal.id).Bind(2, deal.case_name).Bind(3, deal.state);
  st.Bind(4, deal.lang).Bind(5, deal.delivery);
  st.Bind(6, int64_t{deal.funded ? 1 : 0});
  BindMoney(st, 7, deal.paid_in);
  BindMoney(st, 8, deal.paid_out);
  BindTime(st, 9, deal.created);
  BindTime(st, 10, deal.state_entered);
  BindOptTime(st, 11, deal.deadline);
  st.Bind(12, int64_t{deal.reminders_fired});
  if (deal.proposal) {
    st.Bind(13, deal.proposal->by);
  } else {
    st.BindNull(13);
  }
}

// Runs `sql` once per (key, value) of `rows`, bound as ?1 = deal id.
template <typename Map, typename BindValue>
Result<void> InsertEach(Database& db, std::string_view sql,
                        const std::string& deal_id, const Map& rows,
                        BindValue bind_value) {
  Result<Statement> st = db.Prepare(sql);
  CT_TRY(st);
  for (const auto& [key, value] : rows) {
    st->Reset().Bind(1, deal_id).Bind(2, key);
    bind_value(*st, value);
    CT_TRY(st->Run());
  }
  return {};
}

Result<void> InsertParties(Database& db, const core::Deal& deal) {
  Result<Statement> st = db.Prepare(
      "INSERT INTO parties (deal_id, role, position, email, due, commission, "
      "deposited, marks, extend_days, deal_created) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
  CT_TRY(st);
  for (size_t i = 0; i < deal.parties.size(); ++i) {
    const core::PartyState& party = deal.parties[i];
    Result<std::string> marks = JoinMarks(party.marks);
    CT_TRY(marks);
    st->Reset().Bind(1, deal.id).Bind(2, party.role);
    st->Bind(3, static_cast<int64_t>(i)).Bind(4, party.email);
    BindMoney(*st, 5, party.due);
    BindMoney(*st, 6, party.commission);
    BindMoney(*st, 7, party.deposited);
    st->Bind(8, *marks).Bind(9, int64_t{party.extend_days});
    BindTime(*st, 10, deal.created);  // list order of the party's deals
    CT_TRY(st->Run());
  }
  return {};
}

Result<void> InsertChildren(Database& db, const core::Deal& deal) {
  auto bind_text = [](Statement& st, const std::string& v) { st.Bind(3, v); };
  auto bind_money = [](Statement& st, core::Money v) { BindMoney(st, 3, v); };
  CT_TRY(InsertEach(
      db, "INSERT INTO deal_texts (deal_id, key, value) VALUES (?1, ?2, ?3)",
      deal.id, deal.texts, bind_text));
  CT_TRY(InsertEach(
      db, "INSERT INTO deal_amounts (deal_id, name, minor) VALUES (?1, ?2, ?3)",
      deal.id, deal.amounts, bind_money));
  CT_TRY(InsertParties(db, deal));
  if (!deal.proposal) return {};
  return InsertEach(
      db,
      "INSERT INTO proposal_split (deal_id, role, minor) VALUES (?1, ?2, ?3)",
      deal.id, deal.proposal->split, bind_money);
}

Result<void> DeleteChildren(Database& db, const std::string& deal_id) {
  for (std::string_view table :
       {"deal_texts", "deal_amounts", "parties", "proposal_split"}) {
    Result<Statement> st =
        db.Prepare("DELETE FROM " + std::string(table) + " WHERE deal_id = ?1");
    CT_TRY(st);
    CT_TRY(st->Bind(1, deal_id).Run());
  }
  return {};
}

// Fills deal.texts / amounts / proposal split from a two-column query.
template <typename Map, typename ReadValue>
Result<void> ReadMap(Database& db, std::string_view sql,
                     const std::string& deal_id, Map& out, ReadValue read) {
  Result<Statement> st = db.Prepare(sql);
  CT_TRY(st);
  st->Bind(1, deal_id);
  for (;;) {
    Result<bool> row = st->Step();
    CT_TRY(row);
    if (!*row) return {};
    out.emplace(st->ColumnText(0), read(*st));
  }
}

Result<void> ReadParties(Database& db, core::Deal& deal) {
  Result<Statement> st = db.Prepare(
      "SELECT role, email, due, commission, deposited, marks, extend_days "
      "FROM parties WHERE deal_id = ?1 ORDER BY position");
  CT_TRY(st);
  st->Bind(1, deal.id);
  Result<std::vector<core::PartyState>> parties =
      internal::CollectRows<core::PartyState>(*st, [](const Statement& row) {
        core::PartyState party;
        party.role = row.ColumnText(0);
        party.email = row.ColumnText(1);
        party.due = ColumnMoney(row, 2);
        party.commission = ColumnMoney(row, 3);
        party.deposited = ColumnMoney(row, 4);
        party.marks = SplitMarks(row.ColumnText(5));
        party.extend_days = static_cast<int>(row.ColumnInt(6));
        return party;
      });
  CT_TRY(parties);
  deal.parties = std::move(*parties);
  return {};
}

// Reads the `deals` row; false when there is none.
Result<bool> ReadDealRow(Database& db, core::Deal& deal) {
  Result<Statement> st = db.Prepare(kSelectDeal);
  CT_TRY(st);
  st->Bind(1, deal.id);
  Result<bool> row = st->Step();
  if (!row || !*row) return row;
  deal.case_name = st->ColumnText(0);
  deal.state = st->ColumnText(1);
  deal.lang = st->ColumnText(2);
  deal.delivery = st->ColumnText(3);
  deal.funded = st->ColumnInt(4) != 0;
  deal.paid_in = ColumnMoney(*st, 5);
  deal.paid_out = ColumnMoney(*st, 6);
  deal.created = ColumnTime(*st, 7);
  deal.state_entered = ColumnTime(*st, 8);
  deal.deadline = ColumnOptTime(*st, 9);
  deal.reminders_fired = static_cast<int>(st->ColumnInt(10));
  if (!st->ColumnIsNull(11))
    deal.proposal = core::Proposal{st->ColumnText(11), {}};
  return true;
}

// The reminders of a deal come largest offset first, so its next one is
// offsets[reminders_fired]: a reminder is due when deadline - that offset
// <= now, i.e. deadline <= now + offset, one index range per count of
// reminders fired in deals_timer; past the last reminder only the deadline
// itself is left (more fired than there are reminders: the policy changed).
// A deal in its reminder window whose reminder went out is thus not read at
// all (with a million deals, many are). Final states have no deadline.
std::string TimerSql(std::vector<int> offsets) {
  std::sort(offsets.begin(), offsets.end(), std::greater<>());
  offsets.push_back(0);  // after the last reminder: the deadline
  constexpr std::string_view kPart =
      "SELECT id, deadline FROM deals INDEXED BY deals_timer "
      "WHERE deadline IS NOT NULL AND ";
  std::string sql;
  for (size_t fired = 0; fired < offsets.size(); ++fired) {
    const int64_t ahead = int64_t{std::max(offsets[fired], 0)} * 86400;
    sql += std::string(kPart) + "reminders_fired = " + std::to_string(fired) +
           " AND deadline <= ?1 + " + std::to_string(ahead) + " UNION ALL ";
  }
  return sql + std::string(kPart) + "reminders_fired > " +
         std::to_string(offsets.size() - 1) +
         " AND deadline <= ?1 ORDER BY deadline, id";
}

// Runs a query whose first column is a deal id and returns the ids.
Result<std::vector<std::string>> CollectIds(Statement& st) {
  return internal::CollectRows<std::string>(
      st, [](const Statement& row) { return row.ColumnText(0); });
}

}  // namespace

Result<void> DealRepo::Insert(const core::Deal& deal) {
  Result<Statement> st = db_.Prepare(kInsertDeal);
  CT_TRY(st);
  BindDealRow(*st, deal);
  CT_TRY(st->Run());
  return InsertChildren(db_, deal);
}

Result<void> DealRepo::Update(const core::Deal& deal) {
  Result<Statement> st = db_.Prepare(kUpdateDeal);
  CT_TRY(st);
  BindDealRow(*st, deal);
  CT_TRY(st->Run());
  if (db_.Changes() == 0) return std::unexpected(UnknownDeal(deal.id));
  CT_TRY(DeleteChildren(db_, deal.id));
  return InsertChildren(db_, deal);
}

Result<core::Deal> DealRepo::Load(const std::string& id) {
  core::Deal deal;
  deal.id = id;
  Result<bool> found = ReadDealRow(db_, deal);
  CT_TRY(found);
  if (!*found) return std::unexpected(UnknownDeal(id));
  auto read_text = [](const Statement& st) { return st.ColumnText(1); };
  auto read_money = [](const Statement& st) { return ColumnMoney(st, 1); };
  CT_TRY(ReadMap(db_, "SELECT key, value FROM deal_texts WHERE deal_id = ?1",
                 id, deal.texts, read_text));
  CT_TRY(ReadMap(db_, "SELECT name, minor FROM deal_amounts WHERE deal_id = ?1",
                 id, deal.amounts, read_money));
  CT_TRY(ReadParties(db_, deal));
  if (deal.proposal) {
    CT_TRY(ReadMap(db_,
                   "SELECT role, minor FROM proposal_split WHERE deal_id = ?1",
                   id, deal.proposal->split, read_money));
  }
  return deal;
}

Result<bool> DealRepo::Exists(const std::string& id) {
  Result<Statement> st = db_.Prepare("SELECT 1 FROM deals WHERE id = ?1");
  CT_TRY(st);
  return st->Bind(1, id).Step();
}

Result<std::vector<DealSummary>> DealRepo::List(const DealFilter& filter) {
  return internal::ListDeals(db_, filter);
}

Result<std::vector<std::string>> DealRepo::TimerCandidates(
    core::Time now, const std::vector<int>& reminder_days) {
  Result<Statement> st = db_.Prepare(TimerSql(reminder_days));
  CT_TRY(st);
  BindTime(*st, 1, now);
  return CollectIds(*st);
}

}  // namespace ct::store
