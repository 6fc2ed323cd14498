// The messages of one case of the inbound-mail corpus, from its folder
// under tests/corpus: the fixed message.eml, or what recipe.toml makes with
// the run's fresh keys. tests/corpus/README.md describes the folder, the
// recipe and the placeholders.
#ifndef CYBERTROC_TESTS_SUPPORT_CORPUS_RECIPE_H_
#define CYBERTROC_TESTS_SUPPORT_CORPUS_RECIPE_H_

#include <chrono>
#include <string>
#include <vector>

namespace corpus {

// One delivery, then one `cybertroc run` (the clock moved if asked).
struct Step {
  std::string raw;
  std::chrono::seconds clock_offset{0};
};

// The case folders under tests/corpus, by name.
std::vector<std::string> CaseNames();

// The messages of case `name`, the last one being the case. Adds a test
// failure naming the file and what is wrong, and returns none, when the
// folder or its recipe is not right.
std::vector<Step> MakeSteps(const std::string& name);

}  // namespace corpus

#endif  // CYBERTROC_TESTS_SUPPORT_CORPUS_RECIPE_H_
