// A party's record as the escrow saw it (docs/protocol.md "Reputation"):
// counts of funded deals by outcome and the ratings received, per key
// fingerprint. Pure: app/reputation.cpp fills it from the store; the one-line
// summary is shared by the offer notification, `CT 00 REPUTATION`, the CLI
// and (later) the marketplace's search results.
#ifndef CYBERTROC_CORE_REPUTATION_H_
#define CYBERTROC_CORE_REPUTATION_H_

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace ct::core {

struct ReputationSummary {
  std::string who;  // the address or fingerprint asked about
  std::vector<std::string> fingerprints;  // counted keys (linked ones too)
  int funded = 0;
  int completed = 0;  // as any role
  int completed_as_seller = 0, completed_as_buyer = 0;
  int completed_as_a = 0, completed_as_b = 0;
  int returned = 0;  // 62 -> refunded
  int disputed = 0;
  int settled = 0;
  int expired = 0;
  int defaults = 0;  // deadlines passed on a step this party had to do
  int plus = 0, minus = 0, neutral = 0;  // ratings received
  std::optional<Time> since;             // first funded deal
};

// "bob@example.org: 12 deals completed, 1 returned, 0 disputes; 11 +, 0 −;
// since 2026-03" (", 2 deadlines missed" before ";" when any), or
// "bob@example.org: no funded deal yet". `who` is cut to fit one line.
std::string FormatReputationLine(const ReputationSummary& summary);

// "2026-03".
std::string YearMonth(Time t);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_REPUTATION_H_
