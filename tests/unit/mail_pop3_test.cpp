// Pop3MultilineReader: dot-stuffing undone, CRLF kept, the terminator found
// however the bytes are split, errors and the keep limit.
#include <gtest/gtest.h>

#include <string>

#include "mail/pop3_multiline_reader.h"

namespace ct::mail {
namespace {

// Feeds `wire` in pieces of `step` bytes; returns the reader.
Pop3MultilineReader ReadInSteps(const std::string& wire, size_t step,
                                size_t keep = SIZE_MAX) {
  Pop3MultilineReader reader(keep);
  for (size_t i = 0; i < wire.size() && !reader.done(); i += step) {
    reader.Feed(std::string_view(wire).substr(i, step));
  }
  return reader;
}

TEST(Pop3ReaderTest, UndoesDotStuffingAndKeepsTheLastCrlf) {
  const std::string message =
      "Subject: x\r\n\r\n.\r\n..two\r\n...three\r\n.x\r\nend.\r\n\r\n";
  const std::string wire =
      "+OK 57 octets\r\n"
      "Subject: x\r\n\r\n..\r\n...two\r\n....three\r\n..x\r\nend.\r\n\r\n"
      ".\r\n";
  for (size_t step : {1u, 2u, 3u, 7u, 4096u}) {
    SCOPED_TRACE(step);
    Pop3MultilineReader reader = ReadInSteps(wire, step);
    ASSERT_TRUE(reader.done());
    EXPECT_TRUE(reader.ok());
    EXPECT_EQ(reader.status(), "+OK 57 octets");
    EXPECT_EQ(reader.data(), message);
    EXPECT_EQ(reader.data_size(), message.size());
  }
}

TEST(Pop3ReaderTest, KeepsBytesThatAreNotLineEnds) {
  using namespace std::string_literals;
  const std::string message = "nul \0 here\r\nbare\rcr\r\n8bit \xC3\xA9\r\n"s;
  Pop3MultilineReader reader(SIZE_MAX);
  EXPECT_TRUE(reader.Feed("+OK\r\n" + message + ".\r\n"));
  EXPECT_EQ(reader.data(), message);
}

TEST(Pop3ReaderTest, AnEmptyMessage) {
  Pop3MultilineReader reader(SIZE_MAX);
  EXPECT_TRUE(reader.Feed("+OK\r\n.\r\n"));
  EXPECT_TRUE(reader.ok());
  EXPECT_EQ(reader.data(), "");
}

TEST(Pop3ReaderTest, AnErrorEndsAtTheStatusLine) {
  Pop3MultilineReader reader(SIZE_MAX);
  EXPECT_FALSE(reader.Feed("-ERR no such mes"));
  EXPECT_TRUE(reader.Feed("sage\r\n"));
  EXPECT_FALSE(reader.ok());
  EXPECT_EQ(reader.status(), "-ERR no such message");
}

TEST(Pop3ReaderTest, NotDoneBeforeTheTerminator) {
  Pop3MultilineReader reader(SIZE_MAX);
  EXPECT_FALSE(reader.Feed("+OK\r\nline\r\n."));
  EXPECT_FALSE(reader.Feed("\r"));
  EXPECT_TRUE(reader.Feed("\n"));
  EXPECT_EQ(reader.data(), "line\r\n");
}

TEST(Pop3ReaderTest, KeepsOnlyThePrefixButCountsAll) {
  Pop3MultilineReader reader = ReadInSteps(
      "+OK\r\nHeader: 1\r\n\r\n" + std::string(1000, 'b') + "\r\n.\r\n", 10,
      15);
  ASSERT_TRUE(reader.done());
  EXPECT_EQ(reader.data(), "Header: 1\r\n\r\nbb");
  EXPECT_EQ(reader.data_size(), 13u + 1000u + 2u);
}

}  // namespace
}  // namespace ct::mail
