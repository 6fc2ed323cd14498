// Where parties are paid (docs/money.md "Where you are paid"): a party
// registers its payout account by signed mail ("CT 03 IBAN"); the first
// registration applies at once, a change only after
// money.account_change_hours, announced to the party's bound address when
// asked and again when it applies, so that a stolen key cannot silently
// redirect money already due.
#ifndef CYBERTROC_APP_ACCOUNTS_ACCOUNTS_H_
#define CYBERTROC_APP_ACCOUNTS_ACCOUNTS_H_

#include <optional>
#include <string>
#include <vector>

#include "app/base/context.h"
#include "core/grammar.h"
#include "store/money_repos.h"

namespace ct::app {

// A "CT 03" request, after the signature and the sender were checked.
struct AccountRequest {
  std::string email;        // the sender's bound address
  std::string fingerprint;  // the key that signed it
  std::string message_id;   // of the mail, for the record and the reply
  core::AccountText text;   // as written: IBAN, bic:, name:
};

// Validates `request` (IBAN mod-97 and length, BIC, name), stores it and
// queues the reply to request.email. REQUIRES: an open transaction.
// kInvalidInput (nothing stored) with a reason for the sender. Returns what
// happened, for the inbox row ("account: registered FR76 **** **** 0189").
Result<std::string> RegisterAccount(Context& ctx,
                                    const AccountRequest& request);

// Applies every change whose time has come, each in its own transaction
// with its notice to the party. Returns how many applied.
Result<int> ApplyDueAccountChanges(Context& ctx);

// The account payouts to `email` go to now: its active registration, as
// long as it was signed by the key the address is still bound to (after
// the operator rebinds an address, its account must be registered anew,
// and that counts as a change).
Result<std::optional<store::PayoutAccountRecord>> PayoutAccountOf(
    Context& ctx, const std::string& email);

// Active and pending accounts (`accounts`).
Result<std::vector<store::PayoutAccountRecord>> ListAccounts(Context& ctx);

// `accounts cancel EMAIL`: the operator stops a pending change (the party
// said it never asked for it). kNotFound when none is pending.
Result<store::PayoutAccountRecord> CancelAccountChange(
    Context& ctx, const std::string& email);

}  // namespace ct::app

#endif  // CYBERTROC_APP_ACCOUNTS_ACCOUNTS_H_
