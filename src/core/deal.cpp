#include "core/deal.h"

namespace ct::core {

Money Deal::Splittable() const {
  Money excess;
  for (const auto& p : parties) excess += p.Excess();
  // Set aside for a third person (core/trust_terms.h): never part of a split.
  auto reserved = amounts.find("reserved");
  if (funded && reserved != amounts.end()) excess += reserved->second;
  return Held() - excess;
}

const PartyState* Deal::Party(const std::string& role) const {
  for (const auto& p : parties)
    if (p.role == role) return &p;
  return nullptr;
}

PartyState* Deal::Party(const std::string& role) {
  for (auto& p : parties)
    if (p.role == role) return &p;
  return nullptr;
}

const PartyState* Deal::PartyByEmail(const std::string& email) const {
  for (const auto& p : parties)
    if (p.email == email) return &p;
  return nullptr;
}

}  // namespace ct::core
