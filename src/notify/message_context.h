// The mustache context of templates/CONTEXT.md: the data a template of an
// outgoing message is rendered with, built from a deal, its case rules, the
// recipient and the command that caused the message. Internal to notify/
// (renderer.h is the public face); exposed for tests.
#ifndef CYBERTROC_NOTIFY_MESSAGE_CONTEXT_H_
#define CYBERTROC_NOTIFY_MESSAGE_CONTEXT_H_

#include <kainjow/mustache.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/deal.h"
#include "core/engine.h"
#include "core/reputation.h"
#include "core/rules.h"
#include "notify/listing_context.h"
#include "notify/message_input.h"

namespace ct::notify {

// "CT-7K3QX9A2-BUYER": what `role` quotes with its bank transfer.
std::string PaymentReference(const core::Deal& deal, const std::string& role);

// True when the message asks its recipient to pay: a party of a deal in
// its deposit stage (the state waits for the "paid" mark) that has not paid
// in full. Such a message shows the operator's account and may carry the
// EPC QR code.
bool AsksPayment(const MessageInput& in);

// Every key of templates/CONTEXT.md, always set (empty or false when it does
// not apply) so that templates never meet an unknown key.
Data BuildContext(const MessageInput& in);

// The "exact line to type" of each code `role` may send now, with the rule's
// summary. 00 is always included.
struct NextStep {
  std::string line;
  std::string summary;
};
std::vector<NextStep> NextSteps(const core::CaseRules& rules,
                                const core::Deal& deal,
                                const std::string& role);

// The parts of the context that notify/sample_context.cpp builds its sample
// from as well; not for other users.

// The summary of a code that has no rule of its own (00).
std::string DefaultSummary(int code);
// Who did the step of a state and who did not, in the reader's words.
Data ProgressList(const MessageInput& in, const core::StateProgress& p);
// `payouts` as `in`'s recipient sees them (accounts for the operator only).
void SetPayouts(Data& ctx, const MessageInput& in);

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_MESSAGE_CONTEXT_H_
