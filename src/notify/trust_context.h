// The template keys of moderators, referrers, digital goods and reputation
// (templates/CONTEXT.md "Trust"), part of every message context
// (notify/message_context.h).
#ifndef CYBERTROC_NOTIFY_TRUST_CONTEXT_H_
#define CYBERTROC_NOTIFY_TRUST_CONTEXT_H_

#include "core/reputation.h"
#include "notify/message_input.h"

namespace ct::notify {

// The trust keys: moderator, referrer, digital delivery, the rating just
// sent, and a party's record.
void SetTrust(Data& ctx, const MessageInput& in);
void SetSampleTrust(Data& ctx);
// A party's record as a template sees it (`reputation`, a search result's
// `lister_record`): its counts, and `line` (core::FormatReputationLine).
Data ReputationData(const core::ReputationSummary& summary);

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_TRUST_CONTEXT_H_
