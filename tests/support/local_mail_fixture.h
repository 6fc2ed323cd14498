// What the tests of the local mail adapters share (mail_maildir_test: the
// maildir source; mail_local_transport_test: the dir and sendmail
// transports): a fresh directory per test, file helpers, and two messages
// with what trips up naive code. Header-only: unit tests link no
// test-support library.
#ifndef CYBERTROC_TESTS_SUPPORT_LOCAL_MAIL_FIXTURE_H_
#define CYBERTROC_TESTS_SUPPORT_LOCAL_MAIL_FIXTURE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace ct::mail {

using namespace std::string_literals;

namespace fs = std::filesystem;

inline std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

inline std::vector<std::string> Names(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// CRLF lines, a NUL, a lone dot, 8-bit bytes, no final newline handling.
inline const std::string kCrlfMessage =
    "From: alice@example.test\r\nSubject: a\r\n\r\nCT-7K3QX9A2 61\r\n"
    "nul:\0:end\r\n.\r\ncaf\xC3\xA9\r\n"s;
inline const std::string kLfMessage =
    "From: bob@example.test\nSubject: b\n\nbody\n\n\nno final newline"s;

class TempDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (fs::temp_directory_path() / "ct-mail-local.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

}  // namespace ct::mail

#endif  // CYBERTROC_TESTS_SUPPORT_LOCAL_MAIL_FIXTURE_H_
