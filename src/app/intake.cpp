// Fetching: raw bytes into the inbox table, committed, and only then
// acknowledged on the server (SPEC section 6, "Nothing lost").
#include <fmt/format.h>

#include "app/faults.h"
#include "app/inbound.h"
#include "app/logging.h"
#include "mail/mime.h"
#include "store/repos.h"
#include "util/sha256.h"

namespace ct::app {

Result<IntakeReport> Intake(Context& ctx, mail::Source& source,
                            const std::string& source_name) {
  IntakeReport report;
  auto uids = source.List();
  if (!uids) return std::unexpected(uids.error());
  store::InboxRepo inbox(ctx.db);
  for (const auto& uid : *uids) {
    if (ctx.StopRequested()) break;
    auto fetched = source.Fetch(uid, ctx.config.inbox.max_message_size);
    if (!fetched) {
      if (fetched.error().kind == ErrorKind::kNotFound) continue;  // gone
      return std::unexpected(fetched.error());
    }
    mail::Entity head = mail::ParseEntity(fetched->raw);
    store::InboxRecord row;
    row.source = source_name;
    row.server_uid = uid;
    row.message_id = head.Header("Message-ID");
    row.digest = util::Sha256Hex(fetched->raw);
    row.fetched = ctx.now;
    row.raw = std::move(fetched->raw);
    if (fetched->oversized)  // processed (quarantined) without parsing
      row.outcome =
          fmt::format("{}: {} bytes (limit {}), not read", kOversized,
                      fetched->size, ctx.config.inbox.max_message_size);
    auto tx = store::Transaction::Begin(ctx.db);
    if (!tx) return std::unexpected(tx.error());
    bool duplicate = false;
    auto id = inbox.Store(row, &duplicate);
    if (!id) return std::unexpected(id.error());
    if (fetched->oversized && !duplicate) ++report.oversized;
    if (auto ok = tx->Commit(); !ok) return std::unexpected(ok.error());
    MaybeCrash("after-store");
    if (duplicate)
      ++report.duplicates;
    else if (!fetched->oversized)
      ++report.fetched;
    if (auto ok = source.Acknowledge(uid); !ok)
      return std::unexpected(ok.error());
  }
  return report;
}

}  // namespace ct::app
