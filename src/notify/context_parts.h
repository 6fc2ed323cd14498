// The parts of the message context that notify/sample_context.cpp builds
// its sample from as well; not for other users.
#ifndef CYBERTROC_NOTIFY_CONTEXT_PARTS_H_
#define CYBERTROC_NOTIFY_CONTEXT_PARTS_H_

#include <string>

#include "core/engine.h"
#include "notify/context.h"

namespace ct::notify {

// The summary of a code that has no rule of its own (00).
std::string DefaultSummary(int code);
// Who did the step of a state and who did not, in the reader's words.
Data ProgressList(const MessageInput& in, const core::StateProgress& p);
// `payouts` as `in`'s recipient sees them (accounts for the operator only).
void SetPayouts(Data& ctx, const MessageInput& in);

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_CONTEXT_PARTS_H_
