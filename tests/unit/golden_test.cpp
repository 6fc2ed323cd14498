// Golden texts: every notification the shipped rules emit, rendered from the
// shipped templates in English and French, compared with the files under
// tests/golden/<lang>/<script>.txt.
//
// Each script (tests/support/golden_script.h, run by the fixture in
// golden_fixture.h) drives one fixed deal (fixed id, addresses, amounts and
// times: the deal starts 2027-01-31T12:00:00Z) through the real engine
// (core::Step), and renders each notification of each step exactly as the
// outbox does (app/outbound/mail_queue.cpp: recipient role and address, confirmation to
// the actor, the command, from/to state, payouts with addresses). A file
// holds every message of one step, one block per recipient, in the order the
// engine emitted them. Replies that are not engine steps (refusal, help,
// unsigned, delivery_failed) are rendered as app/outbound/replies.cpp and
// app/outbound/sender.cpp do. Properties every text has whatever its wording:
// golden_wellformed_test.cpp.
//
// After changing a template, the rules or the context on purpose:
//
//     CT_UPDATE_GOLDEN=1 build/golden_test
//     git diff tests/golden            # read every change before committing
//
// rewrites the files (and deletes files no script produces any more). Without
// the variable a difference fails the test and prints the first differing
// line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "golden_fixture.h"

namespace ct::golden {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = fs::path(kSource) / "tests" / "golden";

bool Updating() {
  const char* v = std::getenv("CT_UPDATE_GOLDEN");
  return v != nullptr && std::string(v) == "1";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Where the first difference between two texts is, for a readable failure.
std::string FirstDifference(const std::string& want, const std::string& got) {
  std::istringstream a(want), b(got);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool ha = static_cast<bool>(std::getline(a, la));
    const bool hb = static_cast<bool>(std::getline(b, lb));
    if (!ha && !hb) return "texts differ only in line ends";
    if (!ha || !hb || la != lb) {
      return "line " + std::to_string(line) +
             ":\n  golden: " + (ha ? la : "<end of file>") +
             "\n  actual: " + (hb ? lb : "<end of file>");
    }
  }
}

TEST_P(GoldenTest, EveryMessageMatchesItsGoldenText) {
  Sales();
  Exchanges();
  Trust();
  Replies();
  Listings();
  ASSERT_FALSE(HasFailure());
  const fs::path dir = kGoldenDir / GetParam();

  // Every template of the language is exercised by some script.
  for (const auto& entry :
       fs::directory_iterator(kSource + "/templates/" + GetParam())) {
    const std::string name = entry.path().stem().string();
    if (entry.path().extension() != ".mustache" || name.starts_with("_"))
      continue;
    EXPECT_TRUE(used_.contains(name))
        << name << ".mustache is rendered by no golden script: add a step";
  }

  if (Updating()) {
    fs::create_directories(dir);
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (!files_.contains(entry.path().stem().string()))
        fs::remove(entry.path());
    }
    for (const auto& [name, text] : files_)
      std::ofstream(dir / (name + ".txt"), std::ios::binary) << text;
    std::cerr << "golden: wrote " << files_.size() << " files in " << dir
              << "\n";
    return;
  }

  ASSERT_TRUE(fs::is_directory(dir))
      << dir << " missing: run with CT_UPDATE_GOLDEN=1 to create it";
  std::set<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(dir))
    on_disk.insert(entry.path().stem().string());
  for (const auto& [name, text] : files_) {
    const fs::path path = dir / (name + ".txt");
    if (!on_disk.contains(name)) {
      ADD_FAILURE() << path << " missing (CT_UPDATE_GOLDEN=1 writes it)";
      continue;
    }
    const std::string golden = ReadFile(path);
    EXPECT_TRUE(golden == text)
        << path << " differs from the rendered text (CT_UPDATE_GOLDEN=1 "
        << "rewrites it; review the diff)\n"
        << FirstDifference(golden, text);
  }
  for (const auto& name : on_disk) {
    EXPECT_TRUE(files_.contains(name))
        << (dir / (name + ".txt")) << " is produced by no script: remove it";
  }
}

INSTANTIATE_TEST_SUITE_P(Languages, GoldenTest, ::testing::Values("en", "fr"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ct::golden
