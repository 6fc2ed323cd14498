// Test helpers: the shipped rules files, loaded once.
#ifndef CYBERTROC_TESTS_UNIT_TEST_RULES_H_
#define CYBERTROC_TESTS_UNIT_TEST_RULES_H_

#include <gtest/gtest.h>

#include <string>

#include "core/engine.h"
#include "rules/loader.h"

namespace ct::testing {

inline const rules::RuleBook& ShippedRules() {
  static const rules::RuleBook book = [] {
    auto loaded = rules::LoadDir(std::string(CT_TEST_SOURCE_DIR) + "/rules");
    if (!loaded) {
      ADD_FAILURE() << loaded.error().message;
      return rules::RuleBook{};
    }
    return *loaded;
  }();
  return book;
}

inline const core::CaseRules& Sale() { return ShippedRules().cases.at("sale"); }
inline const core::CaseRules& Exchange() {
  return ShippedRules().cases.at("exchange");
}

inline core::Money M(int64_t minor) { return core::Money::FromMinor(minor); }

}  // namespace ct::testing

#endif  // CYBERTROC_TESTS_UNIT_TEST_RULES_H_
