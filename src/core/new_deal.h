// Creating a deal from an offer: terms checked, every amount computed once
// and frozen.
#ifndef CYBERTROC_CORE_NEW_DEAL_H_
#define CYBERTROC_CORE_NEW_DEAL_H_

#include <map>
#include <string>

#include "core/deal.h"
#include "core/money.h"
#include "core/policy.h"
#include "core/rules.h"
#include "core/time.h"

namespace ct::core {

// A new offer, as code 10 or `open` describes it.
struct Offer {
  std::string id;
  std::map<std::string, std::string> emails;  // role -> address
  std::map<std::string, Money> terms;         // price, shipping, value
  std::map<std::string, std::string> texts;   // item, give, take
  std::string delivery = "post";
  std::string lang;
  // Trust terms (core/trust_terms.h): a moderator from the operator's list with
  // its fee rate, and whoever brought the buyer.
  std::string moderator;
  Rate moderator_fee;
  std::string referrer;
};

// Creates a deal in the rules' initial state with every amount frozen (dues,
// commission shares, franchise): later config changes do not alter it.
Result<Deal> NewDeal(const CaseRules& rules, const Policy& policy,
                     const Offer& offer, Time now);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_NEW_DEAL_H_
