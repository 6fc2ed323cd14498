// Sha256Hex against the known answers of FIPS 180-2 (appendix B) and the
// empty message.
#include "util/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace ct::util {
namespace {

TEST(Sha256Test, KnownAnswers) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // B.1: one block.
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // B.2: 448 bits, so that the padding needs a second block.
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  // B.3: one million 'a'.
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, EveryByteCounts) {
  const std::string with_nul("a\0b", 3);
  EXPECT_NE(Sha256Hex(with_nul), Sha256Hex("ab"));
  EXPECT_NE(Sha256Hex("abc\r\n"), Sha256Hex("abc\n"));
  EXPECT_EQ(Sha256Hex(with_nul).size(), 64u);
}

}  // namespace
}  // namespace ct::util
