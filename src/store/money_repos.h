// Repositories of the money rails (docs/money.md "Real accounts (SEPA)"):
// where each party is paid, and the bank statement lines already recorded
// as deposits. Like store/repos.h: thin objects over a Database&, no
// transactions of their own.
#ifndef CYBERTROC_STORE_MONEY_REPOS_H_
#define CYBERTROC_STORE_MONEY_REPOS_H_

#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/time.h"
#include "store/database.h"

namespace ct::store {

// One registration of a payout account, signed by the party's key.
struct PayoutAccountRecord {
  int64_t id = 0;
  std::string email;        // the party's bound address, lower case
  std::string fingerprint;  // the key that signed the request
  std::string iban;         // electronic form, checked
  std::string bic;          // "" = not given
  std::string name;         // account holder, "" = not given
  core::Time requested{};
  core::Time effective{};   // when it applies (= requested for a first one)
  std::string status;       // pending | active | replaced | cancelled
  std::string message_ref;  // the Message-ID of the signed request
};

class AccountRepo {
 public:
  explicit AccountRepo(Database& db) : db_(db) {}
  Result<int64_t> Insert(const PayoutAccountRecord& account);
  // The account payouts to `email` go to now, if any.
  Result<std::optional<PayoutAccountRecord>> Active(const std::string& email);
  // The change waiting for its time, if any.
  Result<std::optional<PayoutAccountRecord>> Pending(const std::string& email);
  // Pending changes whose time has come at `now`, oldest first.
  Result<std::vector<PayoutAccountRecord>> Due(core::Time now);
  // Active and pending accounts, by address.
  Result<std::vector<PayoutAccountRecord>> Current();
  // The only change a row ever sees. kNotFound for an unknown id.
  Result<void> SetStatus(int64_t id, const std::string& status);

 private:
  Database& db_;
};

// A statement line recorded as a deposit.
// A statement line used on a deal: a deposit it brought in, or a deposit
// the bank took back (`kind` "reversal").
struct BankEntryRecord {
  std::string key;        // money::StatementLine::key
  std::string reference;  // the bank's, as recorded with the deposit
  std::string deal_id;
  std::string role;
  core::Money amount;
  core::Time imported{};
  int64_t event_id = 0;  // the deposit's (or the reversal's) event
  std::string kind = "deposit";
};

class BankEntryRepo {
 public:
  explicit BankEntryRepo(Database& db) : db_(db) {}
  // kRefused (nothing written) when the key is already recorded.
  Result<void> Insert(const BankEntryRecord& entry);
  Result<std::optional<BankEntryRecord>> Find(const std::string& key);
  // The deposits of `role` in `deal_id` that the bank took back, oldest
  // first.
  Result<std::vector<BankEntryRecord>> Reversals(const std::string& deal_id,
                                                 const std::string& role);

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_MONEY_REPOS_H_
