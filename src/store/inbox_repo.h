// InboxRepo: every fetched message, and the quarantine of refused ones. No
// transactions of its own.
#ifndef CYBERTROC_STORE_INBOX_REPO_H_
#define CYBERTROC_STORE_INBOX_REPO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/records.h"

namespace ct::store {

class InboxRepo {
 public:
  explicit InboxRepo(Database& db) : db_(db) {}
  // Inserts a fetched message; returns its id, or the existing row's id when
  // the same (message_id, digest) or (source, server_uid) is already stored.
  Result<int64_t> Store(const InboxRecord& message, bool* duplicate);
  Result<InboxRecord> Load(int64_t id);
  Result<std::optional<InboxRecord>> FindByMessageId(const std::string& mid);
  Result<std::vector<int64_t>> Pending();  // status "new", oldest first
  // The pending ones an earlier attempt failed or did not finish (attempts
  // charged, or last_error set), oldest first.
  Result<std::vector<int64_t>> Retried();
  // `email` is bound to a key or is a party of some deal: such a sender's
  // mail that cannot be verified gets an explanation. Two index lookups.
  Result<bool> KnownSender(const std::string& email);
  // Also clears last_error: an outcome supersedes an unfinished attempt.
  Result<void> SetStatus(int64_t id, const std::string& status,
                         const std::string& outcome,
                         const std::string& deal_id);
  // How many times processing of the message started, and why the last
  // attempt did not finish ("" when it did or none was made).
  Result<void> SetAttempts(int64_t id, int attempts,
                           const std::string& last_error);
  Result<int64_t> Quarantine(const QuarantineRecord& entry);
  // Messages currently refused or quarantined, each with its latest reason.
  Result<std::vector<QuarantineRecord>> Quarantined();
  Result<std::vector<InboxRecord>> OfDeal(const std::string& deal_id);

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_INBOX_REPO_H_
