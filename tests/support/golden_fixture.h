// The fixture of the golden-text tests (tests/unit/golden_test.cpp,
// golden_wellformed_test.cpp), parameterised by language ("en", "fr"): the
// shipped rules and templates, and the scripts (golden_script.h) that
// render every notification the shipped rules emit, by message family:
// deals walked through the engine (golden_steps.cpp: sales, exchanges, a
// moderated digital sale) and mail that is not an engine step
// (golden_replies.cpp: replies, listing mail). Each script step fills
// files_ (script-step -> text, one block per recipient) and used_ (the
// templates rendered). Linked as ct_test_golden.
#ifndef CYBERTROC_TESTS_SUPPORT_GOLDEN_FIXTURE_H_
#define CYBERTROC_TESTS_SUPPORT_GOLDEN_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "golden_script.h"
#include "notify/renderer.h"
#include "rules/loader.h"

namespace ct::golden {

// The source tree: rules/, templates/, tests/golden/ (CT_TEST_SOURCE_DIR,
// defined for ct_test_golden and the tests by tests/CMakeLists.txt).
inline const std::string kSource = CT_TEST_SOURCE_DIR;

class GoldenTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Loads the shipped rules.
  void SetUp() override;

  // A script of case `case_name` whose steps are files "<name>-<step>".
  Script New(const std::string& case_name, const std::string& name);

  // A sale funded at T0+3h (seller 30.25 with a reference, buyer 60.25
  // without), with the messages of every step on the way.
  void FundedSale(Script& s, bool record);

  // The scripts of sales, to every end a sale can have.
  void Sales();

  // A digital sale with a moderator (5 %, from the commission)
  // and a referrer; the file is not as described (62: straight to dispute),
  // the moderator proposes and the buyer accepts.
  void Trust();

  // The scripts of exchanges, to every end an exchange can have.
  void Exchanges();

  // Mail that is not an engine step.
  void Replies();

  // Listing mail (app/inbound/listing_commands.cpp, app/market/listings.cpp): one fixed sale
  // listing and one exchange listing, each template once.
  void Listings();

  rules::RuleBook book_;
  notify::Renderer renderer_{kSource + "/templates", "fr"};
  std::map<std::string, std::string> files_;  // script-step -> text
  std::set<std::string> used_;                // template names rendered
};

}  // namespace ct::golden

#endif  // CYBERTROC_TESTS_SUPPORT_GOLDEN_FIXTURE_H_
