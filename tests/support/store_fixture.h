// Shared by the store's unit tests (tests/unit/*_repo_test.cpp,
// store_database_test.cpp): times and amounts, a temp dir, a full deal, and
// the StoreTest fixture with an in-memory database. Linked as ct_test_store
// (the store stage only).
#ifndef CYBERTROC_TESTS_SUPPORT_STORE_FIXTURE_H_
#define CYBERTROC_TESTS_SUPPORT_STORE_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>

#include "core/deal.h"
#include "core/money.h"
#include "core/time.h"
#include "store/database.h"

namespace ct::store::fixture {

using core::Money;
using core::Time;

inline constexpr int64_t kDay = 86400;
inline constexpr int64_t kT0 = 1800000000;  // 2027-01-15T08:00:00Z

Time At(int64_t seconds);
Money Cents(int64_t minor);

// A temporary directory removed with everything in it at scope exit.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The permission bits of `path`, -1 when it cannot be read.
int FileMode(const std::string& path);

// A funded sale with every field set (texts, amounts, marks, a proposal).
core::Deal MakeDeal(const std::string& id, int64_t created);

// Each test gets a fresh in-memory database.
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override;
  Database& db() { return *db_; }
  void InsertDeal(const core::Deal& deal);

  std::optional<Database> db_;
};

}  // namespace ct::store::fixture

#endif  // CYBERTROC_TESTS_SUPPORT_STORE_FIXTURE_H_
