// Names of any script as SEPA files write them: ICU's transliteration into
// Latin letters, then the EPC "Latin" set (SepaText), and the names that
// keep nothing readable (SepaName), which registration, `check` and the
// file refuse alike.
#include "money/transliterate.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "money/pain001.h"
#include "money/transliterator.h"

namespace ct::money {
namespace {

struct NameCase {
  const char* script;
  const char* name;
  const char* in_file;  // SepaText(name, 70); "" = nothing readable
};

// Debian 12's ICU 72; the forms are ICU's (ISO 9 for Cyrillic, pinyin for
// Han), accents then dropped.
constexpr NameCase kNames[] = {
    {"Cyrillic", "Дмитрий Иванов", "Dmitrij Ivanov"},
    {"Serbian Cyrillic", "Ђорђе Јовановић", "Dorde Jovanovic"},
    {"Greek", "Γιώργος Παπαδόπουλος", "Giorgos Papadopoulos"},
    {"Han", "王小明", "wang xiao ming"},
    {"Han and Greek", "Δ株", "D zhu"},
    {"Kana", "やまだ たろう", "yamada tarou"},
    {"Hangul", "김민준", "gimminjun"},
    // Arabic script writes no short vowels; ICU's ayin (U+02BF) is no SEPA
    // character and becomes a blank.
    {"Arabic", "محمد علي", "mhmd ly"},
    {"Latin accents", "Zoé Dupont-Ærø", "Zoe Dupont-AEro"},
    {"Vietnamese", "Nguyễn Văn An", "Nguyen Van An"},
    {"full-width", "Ｆｕｌｌ Ｗｉｄｔｈ", "Full Width"},
    {"styled letters", "ℌ𝔢𝔩𝔩𝔬", "Hello"},
    {"mixed", "Ivan Петров 🙂 & 王", "Ivan Petrov wang"},
    {"emoji only", "🙂🎉", ""},
    {"symbols only", "★ ♥ ☂", ""},
};

TEST(TransliterateTest, NamesOfEveryScriptInTheSepaSet) {
  for (const NameCase& c : kNames) {
    SCOPED_TRACE(c.script);
    auto text = SepaText(c.name, 70);
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, c.in_file);
    auto name = SepaName(c.name);
    if (*c.in_file) {
      ASSERT_TRUE(name) << name.error().message;
      EXPECT_EQ(*name, c.in_file);
    } else {
      ASSERT_FALSE(name);
      EXPECT_EQ(name.error().kind, ErrorKind::kInvalidInput);
      EXPECT_NE(name.error().message.find(std::string("nothing of '") + c.name +
                                          "' can be written"),
                std::string::npos)
          << name.error().message;
    }
  }
}

TEST(TransliterateTest, PunctuationAloneIsNotAName) {
  auto dash = SepaName("🙂 - 🙂");
  ASSERT_FALSE(dash);
  EXPECT_EQ(dash.error().kind, ErrorKind::kInvalidInput);
  EXPECT_TRUE(SepaName("🙂 7"));  // a digit is enough
  EXPECT_FALSE(SepaName(""));
}

TEST(TransliterateTest, AsciiIsLeftAsItIs) {
  EXPECT_EQ(ToLatinAscii("a@b_c  #d ~"), "a@b_c  #d ~");
  EXPECT_EQ(ToLatinAscii(""), "");
  EXPECT_EQ(ToLatinAscii("Дмитрий"), "Dmitrij");
  EXPECT_EQ(ToLatinAscii("🙂"), "🙂") << "no Latin form: left to SepaText";
}

TEST(TransliterateTest, LongNamesAreCutAfterTransliteration) {
  // 35 Cyrillic letters: "Щ" is "S" with a caron (ISO 9), then "S".
  std::string name;
  for (int i = 0; i < 35; ++i) name += "Щ";
  auto text = SepaText(name + " Ж", 20);
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(*text, std::string(20, 'S'));
}

TEST(TransliteratorTest, AnUnknownIdIsAnErrorNotACrash) {
  auto bad = Transliterator::Create("No-Such-Script");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kInternal);
  EXPECT_NE(bad.error().message.find("No-Such-Script"), std::string::npos)
      << bad.error().message;
}

TEST(TransliteratorTest, SharedBetweenThreads) {
  auto greek = Transliterator::Create("Greek-Latin");
  ASSERT_TRUE(greek) << greek.error().message;
  const Transliterator moved = std::move(*greek);
  std::vector<std::string> results(4);
  std::vector<std::thread> threads;
  for (auto& result : results)
    threads.emplace_back([&moved, &result] {
      for (int i = 0; i < 200; ++i) result = moved.Apply("Αθηνά");
    });
  for (auto& t : threads) t.join();
  for (const auto& result : results) EXPECT_EQ(result, "Athēná");
}

}  // namespace
}  // namespace ct::money
