// ReputationRepo: reputation facts and ratings per key fingerprint, and the
// operator's links from a party's old key to its new one (store/schema.cpp,
// kSchemaTrust). Implemented in store/trust_repo.cpp. No transactions of its
// own.
#ifndef CYBERTROC_STORE_REPUTATION_REPO_H_
#define CYBERTROC_STORE_REPUTATION_REPO_H_

#include <optional>
#include <string>
#include <vector>

#include "core/reputation.h"
#include "core/time.h"
#include "store/database.h"

namespace ct::store {

struct ReputationFact {
  std::string deal_id;
  std::string email;
  std::string fingerprint;  // "" when the address had no key bound then
  std::string role;
  std::string kind;  // funded completed refunded disputed settled expired
                     // cancelled default
  core::Time at{};
};

struct RatingRecord {
  std::string deal_id;
  std::string rater_role;
  std::string rater_fpr;
  std::string rated_email;
  std::string rated_fpr;
  int score = 0;  // -1, 0, +1
  std::string comment;
  core::Time at{};
};

class ReputationRepo {
 public:
  explicit ReputationRepo(Database& db) : db_(db) {}
  // Records a fact once per (deal, email, kind); a repeat is ignored.
  Result<void> AddFact(const ReputationFact& fact);
  // The fingerprint the deal's first fact gave `email`, if any: a deal
  // counts for the key it was funded under, even after a rebind.
  Result<std::optional<std::string>> DealFingerprint(const std::string& deal_id,
                                                     const std::string& email);
  // false when (deal, rater_role) already rated.
  Result<bool> AddRating(const RatingRecord& rating);
  Result<std::vector<RatingRecord>> RatingsOf(const std::string& deal_id);
  // Counts for every key in `fprs`; `email` counts the facts recorded
  // without a key for that address too ("" = none).
  Result<core::ReputationSummary> Summarize(
      const std::vector<std::string>& fprs, const std::string& email);
  Result<std::vector<RatingRecord>> RatingsReceived(
      const std::vector<std::string>& fprs);
  Result<void> Link(const std::string& old_fpr, const std::string& new_fpr,
                    core::Time at);
  // `fpr` and every key linked into it, transitively (old keys of old keys).
  Result<std::vector<std::string>> LinkedKeys(const std::string& fpr);

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_REPUTATION_REPO_H_
