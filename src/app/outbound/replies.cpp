#include "app/outbound/replies.h"

#include <chrono>

#include "app/base/logging.h"
#include "app/outbound/mail_queue.h"
#include "store/repos.h"

namespace ct::app {

Result<bool> QueueReply(Context& ctx, const ReplyRequest& request) {
  store::OutboxRepo outbox(ctx.db);
  auto sent =
      outbox.CountReplies(request.to_email, ctx.now - std::chrono::days(1));
  CT_TRY(sent);
  if (*sent >= ctx.config.outbox.max_replies_per_day) {
    Logger("inbox")->warn("reply to {} suppressed: {} replies in the last day",
                          request.to_email, *sent);
    return false;
  }
  const core::CaseRules* rules = nullptr;
  std::string lang = ctx.config.templates.default_language;
  std::string role;
  if (request.deal) {
    if (auto found = ctx.rules.Find(request.deal->case_name)) rules = *found;
    lang = request.deal->lang;
    if (const core::PartyState* p =
            request.deal->PartyByEmail(request.to_email))
      role = p->role;
    else if (request.to_email == ctx.config.outbox.operator_address)
      role = core::kOperatorRole;
  }
  notify::MessageInput in;
  in.deal = request.deal;
  in.rules = rules;
  in.currency = ctx.config.policy.money.currency;
  in.recipient_role = role;
  in.recipient_email = request.to_email;
  in.to_actor = true;
  in.command = request.command;
  in.reason = request.reason;
  in.reason_key = request.reason_key;
  in.reason_args = request.reason_args;
  in.reputation = request.reputation ? &*request.reputation : nullptr;
  auto text = ctx.renderer.Render({request.template_name}, lang, in);
  CT_TRY(text);
  store::OutboxRecord row;
  row.deal_id = request.deal ? request.deal->id : "";
  row.created = ctx.now;
  row.to_email = request.to_email;
  row.to_role = role;
  row.lang = lang;
  row.kind = "refusal";  // auto-replied; counted by the daily cap
  row.templates = request.template_name;
  row.subject = std::move(text->subject);
  row.body = std::move(text->body);
  row.in_reply_to = request.in_reply_to;
  row.next_attempt = ctx.now;
  CT_TRY(QueueMail(ctx, std::move(row)));
  return true;
}

}  // namespace ct::app
