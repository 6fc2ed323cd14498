// ModeratorRepo: the operator's moderators (store/schema.cpp, kSchemaTrust).
// Implemented in store/trust_repo.cpp. No transactions of its own.
#ifndef CYBERTROC_STORE_MODERATOR_REPO_H_
#define CYBERTROC_STORE_MODERATOR_REPO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/database.h"

namespace ct::store {

struct ModeratorRecord {
  std::string email;        // lower case
  std::string fingerprint;  // primary, upper-case hex
  int64_t fee_bp = 0;       // percent of the fee base, in hundredths
  std::string lang;         // the language of its mail
  core::Time added{};
};

class ModeratorRepo {
 public:
  explicit ModeratorRepo(Database& db) : db_(db) {}
  Result<void> Put(const ModeratorRecord& m);  // insert or replace
  Result<std::optional<ModeratorRecord>> Find(const std::string& email);
  Result<std::vector<ModeratorRecord>> All();
  Result<bool> Remove(const std::string& email);  // false: not listed

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_MODERATOR_REPO_H_
