// Transaction: a write transaction on a Database (store/database.h) that
// rolls back unless committed.
#ifndef CYBERTROC_STORE_TRANSACTION_H_
#define CYBERTROC_STORE_TRANSACTION_H_

#include "core/error.h"

namespace ct::store {

class Database;

// BEGIN IMMEDIATE on construction (so writers serialise early), ROLLBACK in
// the destructor unless Commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Result<void> Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_ = nullptr;
  bool done_ = false;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_TRANSACTION_H_
