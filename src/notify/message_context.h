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

namespace ct::notify {

using Data = kainjow::mustache::data;

// One line of `payouts`: who gets what and why, and (shown to the operator
// only) where to: the payee's payout account.
struct PayoutLine {
  std::string payee;  // role or "operator"
  std::string email;
  core::Money amount;
  std::string reason;
  std::string iban;    // grouped; "" = no account registered
  std::string bic;     // "" = not given
  std::string holder;  // account holder, "" = not given
};

// The operator's account ([money] pay_to_*, deposit_instructions), shown to
// a party asked to pay.
struct PayTo {
  std::string iban;  // grouped; "" = not configured
  std::string bic;
  std::string name;
  std::string instructions;  // free text, may hold line breaks
  bool qr = false;           // the EPC QR code is attached
};

// A party's own payout account, in the replies to "CT 03" and the notice
// of a change that applied.
struct AccountNotice {
  std::string masked;      // "FR76 **** **** 0189"
  std::string old_masked;  // the account it replaces, "" = none
  std::string holder;
  std::string bic;
  std::string key;        // fingerprint of the key that signed the request
  std::string effective;  // when it applies, human time
  int change_hours = 0;   // money.account_change_hours
  std::string operator_email;
};

// Everything one outgoing message is about. Pointers are borrowed for the
// duration of the call.
struct MessageInput {
  const core::Deal* deal = nullptr;        // null: not about a deal (help)
  const core::CaseRules* rules = nullptr;  // the deal's case; null: no steps
  std::string currency = "EUR";
  std::string recipient_role;  // a role, "operator", or "" when unknown
  std::string recipient_email;
  bool to_actor = false;   // a confirmation to the command's sender
  core::Command command;   // what caused it (actor "timer": deadlines)
  std::string from_state;  // "" = the deal's current state
  std::string to_state;    // "" = the deal's current state
  std::string reason;      // refusal reason (English fallback)
  // Translatable refusal: label "refusal.<key>" with {name} placeholders
  // filled from `reason_args` ({state}, {roles}, {case} as labels).
  std::string reason_key;
  std::map<std::string, std::string> reason_args;
  std::vector<PayoutLine> payouts;
  PayTo pay_to;
  AccountNotice account;
  // Words for machine names in the message's language ("state.funded",
  // "role.seller", "reason.bond_refund"); a missing one shows the name.
  const std::map<std::string, std::string>* labels = nullptr;
  // How amounts are written for people ("30,25" in French); command lines
  // to type accept either mark.
  char decimal_mark = '.';
  // A party's record (an offer's counterparty, CT 00 REPUTATION); null
  // when the message shows none.
  const core::ReputationSummary* reputation = nullptr;
  // A listing message (notify/listing_context.h); null: none.
  const ListingInput* listing_input = nullptr;
};

// "CT-7K3QX9A2-BUYER": what `role` quotes with its bank transfer.
std::string PaymentReference(const core::Deal& deal, const std::string& role);

// True when the message asks its recipient to pay: a party of a deal in
// its deposit stage (the state waits for the "paid" mark) that has not paid
// in full. Such a message shows the operator's account and may carry the
// EPC QR code.
bool AsksPayment(const MessageInput& in);

// `m` as the reader writes amounts (in.decimal_mark).
std::string FormatAmount(const MessageInput& in, core::Money m);
// The word for a machine name ("state.funded") in the message's language.
std::string LabelOf(const MessageInput& in, const std::string& kind,
                    const std::string& name);

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
