// Shared by the e2e tests: runs the built binary (CT_BINARY) against a
// temp dir with its own config, database (made by `init`), maildir inbox
// and dir:// outbox, the clock pinned with CYBERTROC_NOW, the source tree's
// rules and templates.
#ifndef CYBERTROC_TESTS_E2E_CLI_FIXTURE_H_
#define CYBERTROC_TESTS_E2E_CLI_FIXTURE_H_

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace ct::testing {

namespace fs = std::filesystem;

inline constexpr char kT0[] = "2027-01-31T12:00:00Z";

struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every match of `pattern`'s first group in `text`.
inline std::vector<std::string> All(const std::string& text,
                                    const std::string& pattern) {
  std::vector<std::string> found;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re);
       it != std::sregex_iterator(); ++it) {
    found.push_back((*it)[1]);
  }
  return found;
}

inline std::string First(const std::string& text, const std::string& pattern) {
  auto all = All(text, pattern);
  return all.empty() ? "" : all.front();
}

inline size_t Columns(const std::string& line) {
  size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ct-e2e-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    fs::create_directories(dir_ / "gpg");
    fs::create_directories(dir_ / "maildir");
    const std::string src = CT_TEST_SOURCE_DIR;
    std::ofstream(dir_ / "ct.conf")
        << "[store]\ndatabase = " << (dir_ / "db" / "ct.db").string() << "\n"
        << "[inbox]\nurl = maildir://" << (dir_ / "maildir").string() << "\n"
        << "[outbox]\nurl = dir://" << (dir_ / "out").string() << "\n"
        << "operator = operator@example.test\n"
        << "[gpg]\nhome = " << (dir_ / "gpg").string() << "\n"
        << "[rules]\ndir = " << src << "/rules\n"
        << "[templates]\ndir = " << src << "/templates\n"
        << "default_language = en\n"
        << "[log]\nfile = " << (dir_ / "ct.log").string() << "\n";
    // Only run, daemon and init create the database (issue 8).
    CliRun init = Cli({"init"});
    ASSERT_EQ(init.status, 0) << init.err;
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun Cli(const std::vector<std::string>& args, const std::string& now = kT0,
             bool with_config = true) {
    std::string cmd =
        extra_env_ + " CYBERTROC_NOW=" + Quote(now) + " " + Quote(CT_BINARY);
    if (with_config) cmd += " --config " + Quote((dir_ / "ct.conf").string());
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd += " 2>" + Quote((dir_ / "stderr").string());
    CliRun run;
    FILE* pipe = popen(cmd.c_str(), "r");
    if (!pipe) return run;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
    const int status = pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.err = ReadAll(dir_ / "stderr");
    return run;
  }

  // The SPEC example: a funded sale holding 90.00.
  std::string OpenSale(const std::string& buyer = "bob@example.test") {
    CliRun open = Cli({"--json", "open", "sale", "--seller",
                       "alice@example.test", "--buyer", buyer, "--item", "CD",
                       "--price", "25.00", "--shipping", "5.00"});
    EXPECT_EQ(open.status, 0) << open.err;
    return First(open.out, R"re("id": "(CT-[0-9A-Z]{8})")re");
  }

  std::string FundedSale() {
    const std::string id = OpenSale();
    EXPECT_EQ(Cli({"deposit", id, "seller", "30.25"}).status, 0);
    EXPECT_EQ(Cli({"deposit", id, "buyer", "60.25", "--ref", "VIR-1"}).status,
              0);
    return id;
  }

  fs::path dir_;
  std::string extra_env_;  // e.g. "CYBERTROC_CRASH_AT=after-timer"
};

}  // namespace ct::testing

#endif  // CYBERTROC_TESTS_E2E_CLI_FIXTURE_H_
