// BankEntryRepo: the bank statement lines already used on a deal (the
// deposits they brought in, the deposits the bank took back). Implemented
// in store/account_repo.cpp. No transactions of its own.
#ifndef CYBERTROC_STORE_BANK_ENTRY_REPO_H_
#define CYBERTROC_STORE_BANK_ENTRY_REPO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/time.h"
#include "store/database.h"

namespace ct::store {

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

#endif  // CYBERTROC_STORE_BANK_ENTRY_REPO_H_
