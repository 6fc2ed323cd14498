// AccountRepo: where each party is paid (docs/money.md "Real accounts
// (SEPA)"), as its signed requests registered it. No transactions of its
// own.
#ifndef CYBERTROC_STORE_ACCOUNT_REPO_H_
#define CYBERTROC_STORE_ACCOUNT_REPO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

}  // namespace ct::store

#endif  // CYBERTROC_STORE_ACCOUNT_REPO_H_
