// What DealRepo::List (store/deal_repo.h) takes and gives: which deals, one
// page at a time, and the line each one shows.
#ifndef CYBERTROC_STORE_DEAL_LIST_H_
#define CYBERTROC_STORE_DEAL_LIST_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/money.h"
#include "core/time.h"
#include "store/database.h"

namespace ct::store {

struct DealFilter {
  std::string state;     // "" = any
  std::string party;     // e-mail, "" = any
  bool overdue = false;  // deadline < now
  core::Time now{};
  // Paging. Lists come in (created, id) order; `after` (a deal id, "" = from
  // the start) resumes after that deal, `limit` caps the count (0 = all).
  // Pages are keyset-based: no deal is skipped or repeated across pages,
  // and a deal created meanwhile appears on a later page, never earlier.
  std::string after;
  size_t limit = 0;
};

// What a list line shows: the `deals` row without the child rows that a
// whole core::Deal needs.
struct DealSummary {
  std::string id;
  std::string case_name;
  std::string state;
  core::Time created{};
  std::optional<core::Time> deadline;
  core::Money held;  // paid_in - paid_out
};

namespace internal {

// DealRepo::List's query, here so that this unit does not include the
// repository that calls it. Use DealRepo::List.
Result<std::vector<DealSummary>> ListDeals(Database& db,
                                           const DealFilter& filter);

}  // namespace internal
}  // namespace ct::store

#endif  // CYBERTROC_STORE_DEAL_LIST_H_
