// The limits on outside input (core/limits.h) and the bounded file reader
// (util/read_file.h).
#include "core/limits.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "util/read_file.h"

namespace ct {
namespace {

namespace fs = std::filesystem;

struct TextCase {
  std::string text;
  const char* why;  // "" = accepted
};

TEST(LimitsTest, FreeTextIsPlainBoundedUtf8) {
  const TextCase kCases[] = {
      {"Kind of Blue, CD, mint", ""},
      {"Dépôt reçu — 日本語 ✓", ""},
      {"", ""},
      {std::string(200, 'x'), ""},
      {"CD\r\nBcc: victim@example.org", "control characters"},
      {"CD\nsecond line", "control characters"},
      {"CD\rover", "control characters"},
      {"tab\there", "control characters"},
      {"escape \x1b[31m red", "control characters"},
      {std::string("nul \0 byte", 10), "control characters"},
      {"del \x7f", "control characters"},
      {"c1 \xc2\x85 next line", "control characters"},
      {"latin1 \xe9t\xe9", "not valid UTF-8"},
      {"overlong \xc0\xaf", "not valid UTF-8"},
      {"surrogate \xed\xa0\x80", "not valid UTF-8"},
      {"truncated \xe2\x82", "not valid UTF-8"},
      {std::string(201, 'x'), "at most 200 characters (this one has 201)"},
      {std::string(102400, 'x'),
       "at most 200 characters (this one has 102400)"},
  };
  for (const auto& c : kCases) {
    auto ok = core::CheckFreeText("item", c.text, core::kMaxItemChars);
    if (std::string(c.why).empty()) {
      EXPECT_TRUE(ok.has_value()) << c.text << ": " << ok.error().message;
      continue;
    }
    ASSERT_FALSE(ok.has_value()) << c.text;
    EXPECT_EQ(ok.error().kind, ErrorKind::kInvalidInput);
    EXPECT_TRUE(ok.error().message.starts_with("item: ")) << ok.error().message;
    EXPECT_NE(ok.error().message.find(c.why), std::string::npos)
        << ok.error().message;
  }
  // The limit counts characters, not octets: 200 "é" are 400 octets.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "é";
  EXPECT_TRUE(core::CheckFreeText("item", accents, core::kMaxItemChars));
  EXPECT_FALSE(core::CheckFreeText("item", accents + "é", core::kMaxItemChars));
}

// Text direction controls make a reader see the text in another order
// ("Trojan Source"): refused in every free text, as control characters are.
// The marks (U+200E, U+200F) and the other format characters stay allowed.
TEST(LimitsTest, TextDirectionControlsAreRefused) {
  const TextCase kCases[] = {
      {"Nice \u202Eevil", "text direction controls"},  // RLO
      {"\u202A", "text direction controls"},           // LRE
      {"a\u202Bb", "text direction controls"},         // RLE
      {"a\u202Cb", "text direction controls"},         // PDF
      {"a\u202Db", "text direction controls"},         // LRO
      {"a\u2066b", "text direction controls"},         // LRI
      {"a\u2067b", "text direction controls"},         // RLI
      {"a\u2068b", "text direction controls"},         // FSI
      {"a\u2069b", "text direction controls"},         // PDI
      {"a\u200Eb\u200Fc", ""},                         // LRM, RLM
      {"Prix\u202F: 25\u00A0€", ""},  // French spacing, beside the range
      {"a\u2065b", ""},
      {"שלום עולם", ""},
  };
  for (const auto& c : kCases) {
    auto ok = core::CheckFreeText("title", c.text, core::kMaxItemChars);
    if (std::string(c.why).empty()) {
      EXPECT_TRUE(ok.has_value()) << c.text << ": " << ok.error().message;
      continue;
    }
    ASSERT_FALSE(ok.has_value()) << c.text;
    EXPECT_EQ(ok.error().kind, ErrorKind::kInvalidInput);
    EXPECT_EQ(ok.error().message,
              "title: text direction controls (U+202A to U+202E, U+2066 to "
              "U+2069) are not allowed");
  }
  EXPECT_EQ(core::Excerpt("a\u202Eb\u2066c"), "a?b?c");
}

TEST(LimitsTest, ExcerptsAreShortAndPlain) {
  EXPECT_EQ(core::Excerpt("Kind of Blue"), "Kind of Blue");
  EXPECT_EQ(core::Excerpt(std::string(102400, 'x'), 5), "xxxxx…");
  EXPECT_EQ(core::Excerpt("dépôt reçu", 5), "dépôt…");
  EXPECT_EQ(core::Excerpt("a\r\nb\x1b c\xff"), "a??b? c?");
  EXPECT_EQ(core::Excerpt(std::string(40, 'y')), std::string(40, 'y'));
}

class ReadFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "rf.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// `--config /dev/zero` and `keys import /dev/zero` once aborted with
// std::bad_alloc.
TEST_F(ReadFileTest, Issue8DevZeroStopsAtTheLimit) {
  auto data = util::ReadFileLimited("/dev/zero", 1 << 20, "config file");
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(data.error().message,
            "config file /dev/zero: larger than 1 MiB, the most cybertroc "
            "reads for it");
}

TEST_F(ReadFileTest, ExactLimitIsReadOneMoreIsNot) {
  const fs::path file = dir_ / "f";
  std::ofstream(file) << std::string(4096, 'a');
  auto data = util::ReadFileLimited(file.string(), 4096, "key file");
  ASSERT_TRUE(data.has_value()) << data.error().message;
  EXPECT_EQ(data->size(), 4096u);
  auto over = util::ReadFileLimited(file.string(), 4095, "key file");
  ASSERT_FALSE(over.has_value());
  EXPECT_NE(over.error().message.find("larger than 4095 bytes"),
            std::string::npos);
}

TEST_F(ReadFileTest, MissingDirectoryAndFifo) {
  auto missing = util::ReadFileLimited((dir_ / "none").string(), 10, "x");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
  auto directory = util::ReadFileLimited(dir_.string(), 10, "x");
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().kind, ErrorKind::kInvalidInput);
  EXPECT_NE(directory.error().message.find("is a directory"),
            std::string::npos);
  // A pipe says no size: the limit still holds while reading.
  const fs::path fifo = dir_ / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string cmd = "head -c 100000 /dev/zero > '" + fifo.string() + "' &";
  ASSERT_EQ(system(cmd.c_str()), 0);
  auto piped = util::ReadFileLimited(fifo.string(), 65536, "secret file");
  ASSERT_FALSE(piped.has_value());
  EXPECT_NE(piped.error().message.find("larger than 64 KiB"),
            std::string::npos);
}

TEST(ByteSizeTest, Units) {
  EXPECT_EQ(util::ByteSize(1 << 20), "1 MiB");
  EXPECT_EQ(util::ByteSize(4 << 20), "4 MiB");
  EXPECT_EQ(util::ByteSize(64 << 10), "64 KiB");
  EXPECT_EQ(util::ByteSize(1000), "1000 bytes");
}

}  // namespace
}  // namespace ct
