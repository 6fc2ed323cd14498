// Repositories: one per table family, each a thin object over a Database&.
// They never begin transactions themselves; callers group writes with
// store::Transaction so that one command's effects commit together.
#ifndef CYBERTROC_STORE_REPOS_H_
#define CYBERTROC_STORE_REPOS_H_

#include <optional>
#include <string>
#include <vector>

#include "core/deal.h"
#include "store/database.h"
#include "store/records.h"

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

class PayoutRepo {
 public:
  explicit PayoutRepo(Database& db) : db_(db) {}
  Result<int64_t> Insert(const PayoutRecord& payout);
  Result<std::vector<PayoutRecord>> List(bool pending_only);
  Result<std::vector<PayoutRecord>> OfDeal(const std::string& deal_id);
  Result<std::optional<PayoutRecord>> Find(int64_t id);
  // kNotFound for an unknown id, kRefused when already done.
  Result<PayoutRecord> MarkDone(int64_t id, const std::string& ref,
                                core::Time at);

 private:
  Database& db_;
};

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

class KeyRepo {
 public:
  explicit KeyRepo(Database& db) : db_(db) {}
  // Inserts or replaces the binding of binding.email.
  Result<void> Bind(const BindingRecord& binding);
  Result<std::optional<BindingRecord>> Find(const std::string& email);
  Result<std::vector<BindingRecord>> All();
  // Records a signature (by its digest); false when it was seen before.
  // Records are never deleted: see key_repo.cpp.
  Result<bool> RememberSignature(const std::string& sig_digest,
                                 const std::string& fingerprint,
                                 core::Time made, core::Time seen);
  // Marks a remembered signature as that of an applied command (refused
  // ones stay unmarked), for whoever investigates a replay.
  Result<void> MarkAccepted(const std::string& sig_digest);

 private:
  Database& db_;
};

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

#endif  // CYBERTROC_STORE_REPOS_H_
