// The README's main command, as CI runs it: examples/demo.sh drives a
// complete sale and a complete exchange by signed mail and prints the
// story; both deals must end completed, with their payouts listed.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <regex>
#include <string>

namespace {

TEST(DemoTest, CompleteSaleAndExchange) {
  char tmpl[] = "/tmp/ct-demo-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string cmd = "CT_DEMO_DIR='" + dir + "/demo' CT_DEMO_BINARY='" +
                          std::string(CT_BINARY) + "' bash '" +
                          std::string(CT_TEST_SOURCE_DIR) +
                          "/examples/demo.sh' 2>&1";
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = pclose(pipe);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(WEXITSTATUS(status), 0) << out;
  const std::regex completed(R"(=> CT-[0-9A-Z]{8} is completed)");
  EXPECT_EQ(
      std::distance(std::sregex_iterator(out.begin(), out.end(), completed),
                    std::sregex_iterator()),
      2)
      << out;
  EXPECT_NE(out.find("30.00 EUR  payment"), std::string::npos) << out;  // payouts
  EXPECT_NE(out.find("(bond refund)"), std::string::npos) << out;  // decrypted
  EXPECT_NE(out.find("escrow   -> bob@example.test"), std::string::npos) << out;
}

}  // namespace
