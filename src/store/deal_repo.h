// DealRepo: the deals, each a `deals` row plus its child rows (texts,
// amounts, parties, proposal split). Like every repository: a thin object
// over a Database& that never begins transactions itself; callers group
// writes with store::Transaction so that one command's effects commit
// together.
#ifndef CYBERTROC_STORE_DEAL_REPO_H_
#define CYBERTROC_STORE_DEAL_REPO_H_

#include <string>
#include <vector>

#include "core/deal.h"
#include "core/time.h"
#include "store/database.h"
#include "store/deal_list.h"

namespace ct::store {

class DealRepo {
 public:
  explicit DealRepo(Database& db) : db_(db) {}
  Result<void> Insert(const core::Deal& deal);
  // Replaces the stored deal (and its parties) by `deal`.
  Result<void> Update(const core::Deal& deal);
  // kNotFound when there is no such deal.
  Result<core::Deal> Load(const std::string& id);
  Result<bool> Exists(const std::string& id);
  // kNotFound when filter.after names no deal.
  Result<std::vector<DealSummary>> List(const DealFilter& filter);
  // Ids of the deals whose deadline or next reminder is due at `now`, oldest
  // deadline first: core::DueTimer's rule, in SQL (deadline <= now, or the
  // reminder after the first `reminders_fired` of `reminder_days`, largest
  // first, has come). Deals merely close to their deadline are not read.
  Result<std::vector<std::string>> TimerCandidates(
      core::Time now, const std::vector<int>& reminder_days);

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_DEAL_REPO_H_
