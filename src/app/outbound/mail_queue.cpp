#include "app/outbound/mail_queue.h"

#include <fmt/format.h>

#include <random>

#include "app/base/logging.h"
#include "app/trust/trust.h"
#include "mail/mime.h"
#include "store/repos.h"

namespace ct::app {

std::string NewMessageId(const Context& ctx) {
  static std::random_device rd;  // the main thread's: workers never queue
  auto random64 = [] { return (uint64_t{rd()} << 32) | rd(); };
  const std::string from = mail::AddressOf(ctx.config.outbox.from);
  const size_t at = from.find('@');
  const std::string domain =
      at == std::string::npos ? std::string() : from.substr(at + 1);
  return fmt::format("<ct.{:016x}{:016x}@{}>", random64(), random64(),
                     domain.empty() ? "localhost" : domain);
}

Result<int64_t> QueueMail(Context& ctx, store::OutboxRecord row) {
  row.message_id = NewMessageId(ctx);
  return store::OutboxRepo(ctx.db).Enqueue(row);
}

std::string AddressOf(const Context& ctx, const core::Deal& deal,
                      const std::string& role) {
  if (role == core::kOperatorRole) return ctx.config.outbox.operator_address;
  const core::PartyState* party = deal.Party(role);
  if (party) return party->email;
  return TrustAddressOf(ctx, deal, role);
}

}  // namespace ct::app
