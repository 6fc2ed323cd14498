// Operator settings the engine needs (from [money] and [deadlines]); the
// config module fills this in. Plain data, defaults as docs/operator.md.
#ifndef CYBERTROC_CORE_POLICY_H_
#define CYBERTROC_CORE_POLICY_H_

#include <map>
#include <string>
#include <vector>

#include "core/money.h"

namespace ct::core {

struct MoneyPolicy {
  std::string currency = "EUR";
  Rate commission{.is_percent = true, .basis_points = 200, .fixed = {}};
  std::string commission_payer = "split";  // seller | buyer | split
  Rate franchise{.is_percent = true, .basis_points = 1000, .fixed = {}};
  bool bond_includes_shipping = true;
};

struct DeadlinePolicy {
  // Days per deadline key; the rules name the keys, config may override.
  std::map<std::string, int> days = {
      {"offer_days", 7},         {"deposit_days", 7},       {"ship_days", 7},
      {"delivery_days", 30},     {"return_ship_days", 14},  {"return_days", 30},
      {"dispute_max_days", 366}, {"expired_alert_days", 7},
  };
  std::vector<int> reminder_days = {7, 1};  // before each deadline
};

// [moderation] and money.referral_share (docs/money.md).
struct TrustPolicy {
  Rate referral_share{.is_percent = true, .basis_points = 2500, .fixed = {}};
  std::string moderator_fee_from = "commission";  // commission | held
};

struct Policy {
  MoneyPolicy money;
  TrustPolicy trust;
  DeadlinePolicy deadlines;
};

}  // namespace ct::core

#endif  // CYBERTROC_CORE_POLICY_H_
