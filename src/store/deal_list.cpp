// DealRepo::List's query: one page of list lines, in (created, id) order, read
// from an index that yields them in that order so that a page costs its LIMIT
// rows whatever the number of deals (a million must stay fast).
#include "store/deal_list.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/codec.h"

namespace ct::store {
namespace {

using internal::BindTime;
using internal::ColumnMoney;
using internal::ColumnOptTime;
using internal::ColumnTime;

// Parameters: ?1 state, ?2 party, ?3 now, ?4 ?5 the (created, id) of the
// `after` deal, ?6 the limit (-1 = none). Every shape names ?6, the highest,
// so that binding all six is always in range.
constexpr std::string_view kColumns =
    "SELECT d.id, d.case_name, d.state, d.created, d.deadline, "
    "d.paid_in - d.paid_out FROM ";

// Each shape pins the index that drives it (INDEXED BY, CROSS JOIN): the
// planner's guesses (no ANALYZE need ever have run) could start from
// another index and read a million rows for one page, and a pinned index
// that a later schema drops fails every list test instead of slowing
// production down.
//  - overdue: deals past their deadline are few (tick fires them), so the
//    deadline index finds them and only those are sorted;
//  - party: that party's rows of parties, already in list order (core
//    never puts one address in two roles of a deal, so a deal comes once);
//  - state: (state, created, id); otherwise (created, id).
std::string ListSql(const DealFilter& filter) {
  const bool party = !filter.party.empty();
  const bool by_party = party && !filter.overdue;
  std::string sql(kColumns);
  std::vector<std::string> where;
  if (filter.overdue) {
    sql += "deals d INDEXED BY deals_deadline";
    where = {"d.deadline IS NOT NULL", "d.deadline < ?3"};
    // One seek in parties_email_created per overdue deal.
    if (party) {
      where.push_back(
          "EXISTS (SELECT 1 FROM parties p WHERE p.email = ?2 AND "
          "p.deal_created = d.created AND p.deal_id = d.id)");
    }
  } else if (by_party) {
    sql += "parties p INDEXED BY parties_email_created CROSS JOIN deals d";
    where = {"p.email = ?2", "d.id = p.deal_id"};
  } else if (!filter.state.empty()) {
    sql += "deals d INDEXED BY deals_state_created";
  } else {
    sql += "deals d INDEXED BY deals_created";
  }
  if (!filter.state.empty()) where.push_back("d.state = ?1");
  if (!filter.after.empty()) {
    where.push_back(by_party ? "(p.deal_created, p.deal_id) > (?4, ?5)"
                             : "(d.created, d.id) > (?4, ?5)");
  }
  for (size_t i = 0; i < where.size(); ++i) {
    sql += (i == 0 ? " WHERE " : " AND ") + where[i];
  }
  sql += by_party ? " ORDER BY p.deal_created, p.deal_id"
                  : " ORDER BY d.created, d.id";
  return sql + " LIMIT ?6";
}

// The creation time of deal `id`, where a page after it starts.
Result<core::Time> CursorOf(Database& db, const std::string& id) {
  Result<Statement> st = db.Prepare("SELECT created FROM deals WHERE id = ?1");
  CT_TRY(st);
  Result<bool> row = st->Bind(1, id).Step();
  CT_TRY(row);
  if (!*row) return Fail(ErrorKind::kNotFound, "unknown deal " + id);
  return ColumnTime(*st, 0);
}

DealSummary ReadSummary(const Statement& row) {
  DealSummary deal;
  deal.id = row.ColumnText(0);
  deal.case_name = row.ColumnText(1);
  deal.state = row.ColumnText(2);
  deal.created = ColumnTime(row, 3);
  deal.deadline = ColumnOptTime(row, 4);
  deal.held = ColumnMoney(row, 5);
  return deal;
}

}  // namespace

namespace internal {

Result<std::vector<DealSummary>> ListDeals(Database& db,
                                           const DealFilter& filter) {
  core::Time after_created{};
  if (!filter.after.empty()) {
    Result<core::Time> cursor = CursorOf(db, filter.after);
    CT_TRY(cursor);
    after_created = *cursor;
  }
  Result<Statement> st = db.Prepare(ListSql(filter));
  CT_TRY(st);
  // parties.email is COLLATE NOCASE, so the party match ignores case.
  st->Bind(1, filter.state).Bind(2, filter.party);
  BindTime(*st, 3, filter.now);
  BindTime(*st, 4, after_created);
  st->Bind(5, filter.after);
  const bool unlimited =
      filter.limit == 0 || filter.limit > static_cast<size_t>(INT64_MAX);
  st->Bind(6, unlimited ? int64_t{-1} : static_cast<int64_t>(filter.limit));
  return CollectRows<DealSummary>(*st, ReadSummary);
}

}  // namespace internal
}  // namespace ct::store
