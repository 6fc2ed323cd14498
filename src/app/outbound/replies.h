// Replies that are not engine notifications: the refusal of a command, the
// help text, the explanation sent to a known party whose mail could not be
// verified. Capped at outbox.max_replies_per_day per address, and never
// sent to an address we do not know (no backscatter).
#ifndef CYBERTROC_APP_OUTBOUND_REPLIES_H_
#define CYBERTROC_APP_OUTBOUND_REPLIES_H_

#include <map>
#include <optional>
#include <string>

#include "app/base/context.h"
#include "core/engine.h"
#include "core/reputation.h"

namespace ct::app {

struct ReplyRequest {
  std::string template_name;  // "refusal", "help", "unsigned"
  std::string to_email;       // a bound or party address, never From blindly
  std::string reason;         // why, for the person
  std::string in_reply_to;    // Message-ID of the mail answered
  const core::Deal* deal = nullptr;  // the deal it is about, if known
  core::Command command;             // what was asked (actor = role when known)
  // An engine refusal's kind and values, for a reason in the reader's
  // language (core::Refusal::key/args); `reason` is the fallback.
  std::string reason_key;
  std::map<std::string, std::string> reason_args;
  // The record asked for by CT 00 REPUTATION ("reputation" template).
  std::optional<core::ReputationSummary> reputation;
};

// Queues the reply in the caller's transaction. Returns false (and queues
// nothing) when the address already got its daily share of replies.
Result<bool> QueueReply(Context& ctx, const ReplyRequest& request);

}  // namespace ct::app

#endif  // CYBERTROC_APP_OUTBOUND_REPLIES_H_
