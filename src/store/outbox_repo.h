// OutboxRepo: outgoing mail, queued with the change that caused it and
// updated as attempts succeed or fail. No transactions of its own.
#ifndef CYBERTROC_STORE_OUTBOX_REPO_H_
#define CYBERTROC_STORE_OUTBOX_REPO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/database.h"
#include "store/records.h"

namespace ct::store {

class OutboxRepo {
 public:
  explicit OutboxRepo(Database& db) : db_(db) {}
  Result<int64_t> Enqueue(const OutboxRecord& message);
  Result<std::vector<OutboxRecord>> OfDeal(const std::string& deal_id);
  // Queued messages whose next attempt is due at `now`, oldest first; a
  // page of at most `limit` (-1: all) with after_id < id <= last_id.
  Result<std::vector<OutboxRecord>> Due(core::Time now, int64_t after_id = 0,
                                        int64_t last_id = INT64_MAX,
                                        int limit = -1);
  Result<int64_t> LastId();                        // 0 when empty
  Result<void> Save(const OutboxRecord& message);  // status, attempts...
  // Marks a message sent at `at`, after `attempts` attempts.
  Result<void> MarkSent(int64_t id, int attempts, core::Time at);
  // Replies of kind "refusal" (refusals, help, unverifiable mail) queued
  // to `email` since `since`: the daily cap of docs/protocol.md.
  Result<int> CountReplies(const std::string& email, core::Time since);

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_OUTBOX_REPO_H_
