// What one outgoing message is about (MessageInput) and the reader's words
// and amounts. Apart from notify/message_context.h, which builds the whole
// context, so that its parts (notify/listing_context.h,
// notify/trust_context.h) can read the input without including it.
#ifndef CYBERTROC_NOTIFY_MESSAGE_INPUT_H_
#define CYBERTROC_NOTIFY_MESSAGE_INPUT_H_

#include <kainjow/mustache.hpp>
#include <map>
#include <string>
#include <vector>

#include "core/command.h"
#include "core/deal.h"
#include "core/money.h"
#include "core/reputation.h"
#include "core/rules.h"

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

struct ListingInput;  // notify/listing_context.h

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

// `m` as the reader writes amounts (in.decimal_mark).
std::string FormatAmount(const MessageInput& in, core::Money m);
// The word for a machine name ("state.funded") in the message's language.
std::string LabelOf(const MessageInput& in, const std::string& kind,
                    const std::string& name);

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_MESSAGE_INPUT_H_
