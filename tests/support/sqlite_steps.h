// Counts the work SQLite does for the statements run while it lives, so
// that a test can pin "a page reads a page" without timing anything.
// Header-only: the unit tests that use it link no test-support library.
#ifndef CYBERTROC_TESTS_SUPPORT_SQLITE_STEPS_H_
#define CYBERTROC_TESTS_SUPPORT_SQLITE_STEPS_H_

#include <sqlite3.h>

#include "store/database.h"

namespace ct::testing {

class SqliteSteps {
 public:
  explicit SqliteSteps(store::Database& db) : db_(db) {
    sqlite3_trace_v2(db_.handle(), SQLITE_TRACE_PROFILE, &SqliteSteps::OnStmt,
                     this);
  }
  ~SqliteSteps() { sqlite3_trace_v2(db_.handle(), 0, nullptr, nullptr); }
  SqliteSteps(const SqliteSteps&) = delete;
  SqliteSteps& operator=(const SqliteSteps&) = delete;

  int vm_steps = 0;        // virtual machine instructions
  int fullscan_steps = 0;  // rows visited by full table scans

 private:
  static int OnStmt(unsigned, void* self, void* stmt, void*) {
    auto* counter = static_cast<SqliteSteps*>(self);
    auto* st = static_cast<sqlite3_stmt*>(stmt);
    // Read and reset: Database::Prepare hands a compiled statement out
    // again, and its counters would add up across uses.
    counter->vm_steps += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 1);
    counter->fullscan_steps +=
        sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
    return 0;
  }
  store::Database& db_;
};

}  // namespace ct::testing

#endif  // CYBERTROC_TESTS_SUPPORT_SQLITE_STEPS_H_
