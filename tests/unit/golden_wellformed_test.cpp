// Properties every golden text has, whatever its wording (the texts
// themselves: golden_test.cpp): no carriage return, no mustache tag left
// unrendered, no placeholder of an empty key, no command shown without its
// argument, the deal's id in every subject and body about the deal. The
// texts are rendered by the golden scripts (tests/support/golden_fixture.h)
// in English and French.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "golden_fixture.h"

namespace ct::golden {
namespace {

// Properties every rendered text has, whatever the wording.
TEST_P(GoldenTest, TextsAreWellFormed) {
  Sales();
  Exchanges();
  Trust();
  Replies();
  for (const auto& [name, text] : files_) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
      EXPECT_EQ(line.find('\r'), std::string::npos) << name;
      // No mustache tag left unrendered, no placeholder of an empty key.
      EXPECT_EQ(line.find("{{"), std::string::npos) << name << ": " << line;
      EXPECT_EQ(line.find("  EUR"), std::string::npos) << name << ": " << line;
      // A command shown to type must not miss its deal id ("show  ").
      if (auto at = line.find("cybertroc "); at != std::string::npos) {
        EXPECT_EQ(line.find("  ", at), std::string::npos)
            << name << ": a command with an empty argument: " << line;
      }
      if (line.starts_with("Subject: ")) {
        EXPECT_TRUE(line.starts_with("Subject: [CT-7K3QX9A2] ") ||
                    name.starts_with("reply-"))
            << name << ": " << line;
      }
    }
    // Every message about the deal names it in its body too.
    if (!name.starts_with("reply-")) {
      EXPECT_NE(text.find(kId), std::string::npos) << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Languages, GoldenTest, ::testing::Values("en", "fr"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ct::golden
