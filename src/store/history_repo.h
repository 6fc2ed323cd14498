// HistoryRepo: the append-only events and ledger of a deal, and the
// exactly-once guard of its timers. No transactions of its own.
#ifndef CYBERTROC_STORE_HISTORY_REPO_H_
#define CYBERTROC_STORE_HISTORY_REPO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/database.h"
#include "store/records.h"

namespace ct::store {

class HistoryRepo {
 public:
  explicit HistoryRepo(Database& db) : db_(db) {}
  Result<int64_t> AppendEvent(const EventRecord& event);
  Result<std::vector<EventRecord>> Events(const std::string& deal_id);
  Result<int64_t> AppendLedger(const LedgerRecord& entry);
  Result<std::vector<LedgerRecord>> Ledger(const std::string& deal_id);
  // Records that a timer (kind "reminder" / "timeout") for the deadline
  // `due` of that deal fired; false when it had already fired (the UNIQUE
  // row is the exactly-once guard across crashes and overlapping runs).
  Result<bool> RecordTimer(const std::string& deal_id, const std::string& kind,
                           core::Time due, int seq);

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_HISTORY_REPO_H_
