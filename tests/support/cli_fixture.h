// Shared by the e2e tests: runs the built binary (CT_BINARY) against a
// temp dir with its own config, database (made by `init`), maildir inbox
// and dir:// outbox, the clock pinned with CYBERTROC_NOW, the source tree's
// rules and templates.
#ifndef CYBERTROC_TESTS_SUPPORT_CLI_FIXTURE_H_
#define CYBERTROC_TESTS_SUPPORT_CLI_FIXTURE_H_

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "json_output.h"

namespace ct::testing {

namespace fs = std::filesystem;
// The JSON the CLI prints, read with nlohmann-json (json_output.h).
using cttest::Json;
using cttest::JsonField;
using cttest::JsonFields;
using cttest::JsonInt;
using cttest::JsonString;
using cttest::ParseJson;

inline constexpr char kT0[] = "2027-01-31T12:00:00Z";

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

std::string Quote(const std::string& s);

std::string ReadAll(const fs::path& path);

// Every match of `pattern`'s first group in `text`.
std::vector<std::string> All(const std::string& text,
                             const std::string& pattern);

// The first match of `pattern`'s first group in `text`, "" if none.
std::string First(const std::string& text, const std::string& pattern);

// Columns a UTF-8 line takes (code points).
size_t Columns(const std::string& line);

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override;
  // gpg-agent may still be removing its sockets when a test ends: a file
  // that vanishes under remove_all is no failure, so it is tried again.
  void TearDown() override {
    std::error_code ec;
    for (int i = 0; i < 20; ++i) {
      fs::remove_all(dir_, ec);
      if (!ec) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "cannot remove " << dir_ << ": " << ec.message();
  }

  CliRun Cli(const std::vector<std::string>& args, const std::string& now = kT0,
             bool with_config = true);

  // The example of docs/money.md "Worked example": a sale, opened by the
  // operator.
  std::string OpenSale(const std::string& buyer = "bob@example.test");

  // The same, funded: it holds 90.00.
  std::string FundedSale();

  fs::path dir_;
  std::string extra_env_;  // e.g. "CYBERTROC_CRASH_AT=after-timer"
};

}  // namespace ct::testing

#endif  // CYBERTROC_TESTS_SUPPORT_CLI_FIXTURE_H_
