// A new offer, the input of NewDeal(). Apart from core/new_deal.h so that
// core/trust_terms.h, which NewDeal() calls, can read it too.
#ifndef CYBERTROC_CORE_OFFER_H_
#define CYBERTROC_CORE_OFFER_H_

#include <map>
#include <string>

#include "core/money.h"

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

}  // namespace ct::core

#endif  // CYBERTROC_CORE_OFFER_H_
