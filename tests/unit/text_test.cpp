// util/text: the shared ASCII helpers and the one strict UTF-8 validator,
// which the MIME reader and the JSON writer both use.
#include "util/text.h"

#include <gtest/gtest.h>

#include <string>

#include "mail/mime.h"
#include "util/json.h"

namespace ct::util {
namespace {

// Bytes written as a C string literal with \x escapes.
std::string B(const char* bytes) { return bytes; }

TEST(TextTest, CaseFoldingIsAsciiOnly) {
  EXPECT_EQ(AsciiLower("Content-TYPE: Text/Plain"), "content-type: text/plain");
  EXPECT_EQ(AsciiUpper("starttls ok"), "STARTTLS OK");
  // Latin-1 and UTF-8 bytes are left alone, whatever the locale.
  EXPECT_EQ(AsciiLower("\xC9T\xC3\x89"), "\xC9t\xC3\x89");
  EXPECT_EQ(AsciiUpper("\xE9t\xC3\xA9"), "\xE9T\xC3\xA9");
  EXPECT_EQ(AsciiLower(std::string("A\0B", 3)), std::string("a\0b", 3));
}

TEST(TextTest, TrimRemovesAsciiBlanksAtBothEnds) {
  EXPECT_EQ(Trim(" \t\r\n\v\fword  in\tside \r\n"), "word  in\tside");
  EXPECT_EQ(Trim(""), "");
  EXPECT_EQ(Trim(" \t "), "");
  // A no-break space (U+00A0) is not an ASCII blank.
  EXPECT_EQ(Trim("\xC2\xA0x\xC2\xA0"), "\xC2\xA0x\xC2\xA0");
}

TEST(TextTest, HexDigits) {
  EXPECT_EQ(HexValue('0'), 0);
  EXPECT_EQ(HexValue('9'), 9);
  EXPECT_EQ(HexValue('a'), 10);
  EXPECT_EQ(HexValue('F'), 15);
  for (char c : std::string("gG/:@`\x80 "))
    EXPECT_EQ(HexValue(c), -1) << static_cast<int>(c);
  EXPECT_EQ(HexEncode(std::string("\x00\x7f\x80\xff", 4)), "007f80ff");
  EXPECT_EQ(HexEncode(""), "");
}

TEST(Utf8Test, AcceptsEveryWellFormedLength) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII\r\n"));
  EXPECT_TRUE(IsValidUtf8(std::string("\0", 1)));           // U+0000
  EXPECT_TRUE(IsValidUtf8(B("\xC2\x80")));                  // U+0080
  EXPECT_TRUE(IsValidUtf8(B("caf\xC3\xA9 \xE2\x82\xAC")));  // café €
  EXPECT_TRUE(IsValidUtf8(B("\xE0\xA0\x80")));              // U+0800
  EXPECT_TRUE(IsValidUtf8(B("\xED\x9F\xBF")));              // U+D7FF
  EXPECT_TRUE(IsValidUtf8(B("\xEE\x80\x80")));              // U+E000
  EXPECT_TRUE(IsValidUtf8(B("\xEF\xBF\xBD")));              // U+FFFD
  EXPECT_TRUE(IsValidUtf8(B("\xF0\x90\x80\x80")));          // U+10000
  EXPECT_TRUE(IsValidUtf8(B("\xF0\x9F\x98\x80")));          // an emoji
  EXPECT_TRUE(IsValidUtf8(B("\xF4\x8F\xBF\xBF")));          // U+10FFFF
  const std::string mixed = B("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
  EXPECT_EQ(Utf8SequenceLength(mixed, 0), 1u);
  EXPECT_EQ(Utf8SequenceLength(mixed, 1), 2u);
  EXPECT_EQ(Utf8SequenceLength(mixed, 3), 3u);
  EXPECT_EQ(Utf8SequenceLength(mixed, 6), 4u);
}

TEST(Utf8Test, RejectsOverlongForms) {
  for (const char* bad : {"\xC0\x80",              // NUL in two bytes
                          "\xC0\xAF", "\xC1\xBF",  // '/' and U+007F
                          "\xE0\x80\xAF", "\xE0\x9F\xBF", "\xF0\x80\x80\xAF",
                          "\xF0\x8F\xBF\xBF"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << HexEncode(bad);
    EXPECT_EQ(Utf8SequenceLength(bad, 0), 0u) << HexEncode(bad);
  }
}

TEST(Utf8Test, RejectsSurrogates) {
  for (const char* bad : {"\xED\xA0\x80",                  // U+D800
                          "\xED\xAD\xBF", "\xED\xAE\x80",  // around U+DB7F
                          "\xED\xBF\xBF",                  // U+DFFF
                          "\xED\xA0\xBD\xED\xB2\xA9"}) {   // CESU-8 pair
    EXPECT_FALSE(IsValidUtf8(bad)) << HexEncode(bad);
  }
}

TEST(Utf8Test, RejectsValuesAboveU10FFFF) {
  for (const char* bad : {"\xF4\x90\x80\x80",  // U+110000
                          "\xF5\x80\x80\x80", "\xF7\xBF\xBF\xBF",
                          "\xF8\x88\x80\x80\x80",         // old 5-byte form
                          "\xFC\x84\x80\x80\x80\x80"}) {  // old 6-byte form
    EXPECT_FALSE(IsValidUtf8(bad)) << HexEncode(bad);
  }
}

TEST(Utf8Test, RejectsTruncatedSequencesAndStrayBytes) {
  for (const char* bad : {"\xC3", "\xE2\x82", "\xF0\x9F\x98", "abc\xE2\x82",
                          "\xE2\x82"
                          "a",
                          "\xF0\x9F\x98"
                          "a",
                          "\x80", "\xBF",
                          "a\x80"
                          "b",
                          "\xC3\xA9\xA9", "\xFE", "\xFF",
                          "\xC3"
                          "A",
                          "\xE2\x28\xA1"}) {
    EXPECT_FALSE(IsValidUtf8(bad)) << HexEncode(bad);
  }
}

// mail/mime.cpp had its own check that let surrogates, overlong three-byte
// forms and values above U+10FFFF through while util/json.cpp refused them:
// a text part the MIME reader accepted could not be written out as it was.
TEST(Utf8Test, MimeReaderAndJsonWriterAgree) {
  for (const char* bad : {"\xED\xA0\x80", "\xE0\x80\xAF", "\xF4\x90\x80\x80"}) {
    EXPECT_FALSE(mail::ToUtf8(bad, "utf-8").has_value()) << HexEncode(bad);
    EXPECT_EQ(JsonQuote(bad).find(bad), std::string::npos) << HexEncode(bad);
  }
  const std::string good = B("caf\xC3\xA9 \xF0\x9F\x98\x80");
  ASSERT_TRUE(mail::ToUtf8(good, "utf-8").has_value());
  EXPECT_EQ(*mail::ToUtf8(good, "UTF-8"), good);
  EXPECT_EQ(JsonQuote(good), "\"" + good + "\"");
}

}  // namespace
}  // namespace ct::util
