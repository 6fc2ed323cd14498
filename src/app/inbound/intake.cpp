// Fetching: raw bytes into the inbox table, committed, and only then
// acknowledged on the server (docs/operator.md, "Guarantees": nothing lost).
//
// Syncs. Each message is committed on its own (a crash keeps what was
// stored), but not synced to disk on its own: the commits of a batch of
// kAckBatch messages are made durable by one sync, and only then are those
// messages acknowledged. Until the sync, a kill -9 loses nothing (the
// commits are in the kernel's hands); a power cut may lose the rows of the
// batch, but none of them was acknowledged, so the server offers them again
// and the next run stores them: the end state is the same.
#include "app/inbound/intake.h"

#include <fmt/format.h>

#include <vector>

#include "app/base/faults.h"
#include "app/base/logging.h"
#include "mail/mime.h"
#include "store/repos.h"
#include "util/sha256.h"

namespace ct::app {
namespace {

// Messages stored between two syncs (and their acknowledgements). Bounds
// what a power cut can make us fetch again, and the uids held in memory.
constexpr size_t kAckBatch = 100;

// The inbox row of a fetched message.
store::InboxRecord RowOf(const Context& ctx, mail::Fetched& fetched,
                         const std::string& source_name) {
  mail::Entity head = mail::ParseEntity(fetched.raw);
  store::InboxRecord row;
  row.source = source_name;
  row.server_uid = fetched.uid;
  row.message_id = head.Header("Message-ID");
  row.digest = util::Sha256Hex(fetched.raw);
  row.fetched = ctx.now;
  row.raw = std::move(fetched.raw);
  if (fetched.oversized)  // processed (quarantined) without parsing
    row.outcome = fmt::format("{}: {} bytes (limit {}), not read", kOversized,
                              fetched.size, ctx.config.inbox.max_message_size);
  return row;
}

// Stores one fetched message in its own transaction (a duplicate is found
// and counted, not stored again).
Result<void> StoreOne(Context& ctx, mail::Fetched& fetched,
                      const std::string& source_name, IntakeReport& report) {
  const bool oversized = fetched.oversized;
  store::InboxRecord row = RowOf(ctx, fetched, source_name);
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  bool duplicate = false;
  auto id = store::InboxRepo(ctx.db).Store(row, &duplicate);
  CT_TRY(id);
  CT_TRY(tx->Commit());
  MaybeCrash("after-store");
  if (duplicate)
    ++report.duplicates;
  else if (oversized)
    ++report.oversized;
  else
    ++report.fetched;
  return {};
}

// Makes the stored batch durable, then acknowledges it on the server. Not
// tried twice: after a failure the rest of the batch is left on the server
// (a duplicate next time) rather than risk acknowledging one twice.
Result<void> AcknowledgeBatch(store::DeferredSync& deferred,
                              mail::Source& source,
                              std::vector<std::string>& stored) {
  if (stored.empty()) return {};
  std::vector<std::string> batch = std::move(stored);
  stored.clear();
  CT_TRY(deferred.Sync());
  for (const auto& uid : batch) CT_TRY(source.Acknowledge(uid));
  return {};
}

}  // namespace

Result<IntakeReport> Intake(Context& ctx, mail::Source& source,
                            const std::string& source_name) {
  IntakeReport report;
  auto uids = source.List();
  CT_TRY(uids);
  auto deferred = store::DeferredSync::Begin(ctx.db);
  CT_TRY(deferred);
  std::vector<std::string> stored;  // committed, not yet acknowledged
  Result<void> failure;
  for (const auto& uid : *uids) {
    if (ctx.StopRequested()) break;
    auto fetched = source.Fetch(uid, ctx.config.inbox.max_message_size);
    if (!fetched && fetched.error().kind == ErrorKind::kNotFound) continue;
    if (!fetched) {
      failure = std::unexpected(fetched.error());
      break;
    }
    failure = StoreOne(ctx, *fetched, source_name, report);
    if (!failure) break;
    stored.push_back(uid);
    if (stored.size() >= kAckBatch) {
      failure = AcknowledgeBatch(*deferred, source, stored);
      if (!failure) break;
    }
  }
  // What was stored before a failure is still acknowledged when the server
  // lets us (a fetch error may be one message's); else it is a duplicate
  // next time.
  Result<void> acked = AcknowledgeBatch(*deferred, source, stored);
  CT_TRY(failure);
  CT_TRY(acked);
  CT_TRY(deferred->Finish());
  return report;
}

}  // namespace ct::app
