#include "app/market/listing_notices.h"

#include "app/outbound/mail_queue.h"
#include "store/records.h"

namespace ct::app {

Result<void> QueueListingMail(Context& ctx, const std::string& name,
                              const std::string& to, const std::string& lang,
                              const notify::ListingInput& in,
                              const std::string& in_reply_to) {
  notify::MessageInput message;
  message.currency = ctx.config.policy.money.currency;
  message.recipient_email = to;
  message.to_actor = !in_reply_to.empty();
  message.listing_input = &in;
  auto text = ctx.renderer.Render({name}, lang, message);
  CT_TRY(text);
  store::OutboxRecord row;
  row.created = ctx.now;
  row.to_email = to;
  row.to_role = "";
  row.lang = lang;
  row.kind = in_reply_to.empty() ? "notice" : "reply";
  row.templates = name;
  row.subject = std::move(text->subject);
  row.body = std::move(text->body);
  row.in_reply_to = in_reply_to;
  row.next_attempt = ctx.now;
  CT_TRY(QueueMail(ctx, std::move(row)));
  return {};
}

}  // namespace ct::app
