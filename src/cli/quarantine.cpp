// quarantine: refused and unverifiable mail; reprocess MESSAGE-ID.
#include <fmt/format.h>

#include <iostream>

#include "app/inbound.h"
#include "cli/common.h"
#include "store/repos.h"

namespace ct::cli {

Result<void> RunQuarantine(const Globals& globals, const Args& args) {
  Syntax syntax("quarantine");
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  if (!parsed) return std::unexpected(parsed.error());
  if (!*parsed) return {};
  auto ctx = OpenContext(globals);
  if (!ctx) return std::unexpected(ctx.error());
  auto rows = store::InboxRepo(ctx->db).Quarantined();
  if (!rows) return std::unexpected(rows.error());
  if (globals.json) {
    util::Json list = util::Json::Array();
    for (const auto& q : *rows)
      list.Push(util::Json::Object()
                    .Set("id", q.id)
                    .Set("message_id", q.message_id)
                    .Set("from", q.from_addr)
                    .Set("reason", q.reason)
                    .Set("at", core::FormatIsoTime(q.at)));
    PrintJson(list);
    return {};
  }
  for (const auto& q : *rows) {
    std::cout << Fit(fmt::format("{}  {}  {}", core::FormatHumanTime(q.at),
                                 q.from_addr, q.message_id))
              << "\n"
              << Fit("    " + q.reason) << "\n";
  }
  if (rows->empty()) std::cout << "quarantine is empty\n";
  return {};
}

Result<void> RunReprocess(const Globals& globals, const Args& args) {
  Syntax syntax("reprocess MESSAGE-ID");
  syntax.hidden.add_options()("message-id", po::value<std::string>());
  syntax.positional.add("message-id", 1);
  po::variables_map vm;
  auto parsed = Parse(syntax, args, vm);
  if (!parsed) return std::unexpected(parsed.error());
  if (!*parsed) return {};
  auto mid = Required(vm, "message-id", syntax.usage);
  if (!mid) return std::unexpected(mid.error());
  auto ctx = OpenContext(globals);
  if (!ctx) return std::unexpected(ctx.error());
  auto gpg = app::OpenGpg(*ctx);
  if (!gpg) return std::unexpected(gpg.error());
  std::string id = *mid;
  if (!id.empty() && id.front() != '<') id = "<" + id + ">";
  auto report = app::Reprocess(*ctx, *gpg, id);
  if (!report) return std::unexpected(report.error());
  std::cout << fmt::format(
      "reprocess {}: {} applied, {} refused, {} quarantined, {} failed\n", id,
      report->applied, report->refused, report->quarantined, report->failed);
  return {};
}

}  // namespace ct::cli
