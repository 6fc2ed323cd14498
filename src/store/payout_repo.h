// PayoutRepo: payout instructions, created when a deal ends and marked done
// by the operator. No transactions of its own.
#ifndef CYBERTROC_STORE_PAYOUT_REPO_H_
#define CYBERTROC_STORE_PAYOUT_REPO_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/database.h"
#include "store/records.h"

namespace ct::store {

class PayoutRepo {
 public:
  explicit PayoutRepo(Database& db) : db_(db) {}
  Result<int64_t> Insert(const PayoutRecord& payout);
  Result<std::vector<PayoutRecord>> List(bool pending_only);
  Result<std::vector<PayoutRecord>> OfDeal(const std::string& deal_id);
  Result<std::optional<PayoutRecord>> Find(int64_t id);
  // kNotFound for an unknown id, kRefused when already done.
  Result<PayoutRecord> MarkDone(int64_t id, const std::string& ref,
                                core::Time at);

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_PAYOUT_REPO_H_
