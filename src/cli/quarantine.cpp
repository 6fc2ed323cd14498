// quarantine: refused and unverifiable mail; reprocess MESSAGE-ID.
#include <fmt/format.h>

#include <iostream>

#include "app/base/gpg_pool.h"
#include "app/inbound/isolation.h"
#include "cli/common.h"
#include "store/repos.h"

namespace ct::cli {

Result<void> RunQuarantine(const Globals& globals, const Args& args) {
  Syntax syntax("quarantine");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto rows = store::InboxRepo(ctx->db).Quarantined();
  CT_TRY(rows);
  PrintRows(
      globals.json, *rows,
      [](const store::QuarantineRecord& q) {
        return util::Json::Object()
            .Set("id", q.id)
            .Set("message_id", q.message_id)
            .Set("from", q.from_addr)
            .Set("reason", q.reason)
            .Set("at", core::FormatIsoTime(q.at));
      },
      [](const store::QuarantineRecord& q) {
        return Fit(fmt::format("{}  {}  {}", core::FormatHumanTime(q.at),
                               q.from_addr, q.message_id)) +
               "\n" + Fit("    " + q.reason);
      },
      "quarantine is empty");
  return {};
}

Result<void> RunReprocess(const Globals& globals, const Args& args) {
  Syntax syntax("reprocess MESSAGE-ID");
  syntax.hidden.add_options()("message-id", po::value<std::string>());
  syntax.positional.add("message-id", 1);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  CT_TRY(parsed);
  if (!*parsed) return {};
  auto mid = Required(vm, "message-id", syntax.usage);
  CT_TRY(mid);
  auto ctx = OpenContext(globals);
  CT_TRY(ctx);
  auto gpg = app::OpenGpg(*ctx);
  CT_TRY(gpg);
  std::string id = *mid;
  if (!id.empty() && id.front() != '<') id = "<" + id + ">";
  auto report = app::Reprocess(*ctx, *gpg, id);
  CT_TRY(report);
  std::cout << fmt::format(
      "reprocess {}: {} applied, {} refused, {} quarantined, {} failed\n", id,
      report->applied, report->refused, report->quarantined, report->failed);
  return {};
}

}  // namespace ct::cli
