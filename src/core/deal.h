// A deal as the engine sees it: a value type, copied and compared freely.
// The store persists it; the engine returns a new one for every step.
#ifndef CYBERTROC_CORE_DEAL_H_
#define CYBERTROC_CORE_DEAL_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/time.h"

namespace ct::core {

struct PartyState {
  std::string role;   // "seller", "buyer", "a", "b"
  std::string email;  // the bound address (lower case)
  Money due;          // what it must deposit, commission share included
  Money commission;   // its commission share (taken once funded)
  Money deposited;    // sum of its recorded deposits
  std::set<std::string> marks;  // per-party progress: shipped, satisfied...
  int extend_days = 0;          // standing "92 N" request, 0 = none

  bool Paid() const { return deposited >= due; }
  Money Excess() const { return deposited > due ? deposited - due : Money(); }
  bool operator==(const PartyState&) const = default;
};

struct Proposal {
  std::string by;                      // proposing role
  std::map<std::string, Money> split;  // role -> amount
  bool operator==(const Proposal&) const = default;
};

struct Deal {
  std::string id;         // "CT-7K3QX9A2"
  std::string case_name;  // "sale"
  std::string state;
  std::string lang;                          // "fr"
  std::string delivery = "post";             // "post" or "hand"
  std::map<std::string, std::string> texts;  // item / give / take / tracking
  std::map<std::string, Money> amounts;      // frozen terms and derived sums
  std::vector<PartyState> parties;
  bool funded = false;  // commission taken; never refunded after this
  Money paid_in;        // every deposit
  Money paid_out;       // commission + every payout
  Time created{};
  Time state_entered{};
  std::optional<Time> deadline;  // absent only in final states
  int reminders_fired = 0;       // of policy.reminder_days, current deadline
  std::optional<Proposal> proposal;

  Money Held() const { return paid_in - paid_out; }
  // Funds under the deal's terms: held minus every party's excess, which is
  // always returned to its payer and never split, and minus what is set
  // aside for a moderator once funded (amount "reserved", core/trust_terms.h).
  Money Splittable() const;
  const PartyState* Party(const std::string& role) const;
  PartyState* Party(const std::string& role);
  const PartyState* PartyByEmail(const std::string& email) const;
  bool operator==(const Deal&) const = default;
};

}  // namespace ct::core

#endif  // CYBERTROC_CORE_DEAL_H_
