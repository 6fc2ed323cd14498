#include "util/json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ct::util {
namespace {

// What an independent parser (nlohmann-json) reads back from our text.
nlohmann::json ReadBack(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

TEST(JsonTest, Scalars) {
  EXPECT_EQ(Json().Dump(), "null");
  EXPECT_EQ(Json(true).Dump(), "true");
  EXPECT_EQ(Json(false).Dump(), "false");
  EXPECT_EQ(Json(-42).Dump(), "-42");
  EXPECT_EQ(Json(int64_t{9007199254740993}).Dump(), "9007199254740993");
  EXPECT_EQ(Json("x").Dump(), "\"x\"");
}

TEST(JsonTest, EscapesEverythingJsonRequires) {
  EXPECT_EQ(JsonQuote("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonQuote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
  EXPECT_EQ(JsonQuote(std::string("\x01\x1f\x7f", 3)),
            "\"\\u0001\\u001f\\u007f\"");
  EXPECT_EQ(JsonQuote(std::string("a\0b", 3)), "\"a\\u0000b\"");
  EXPECT_EQ(JsonQuote("café €"), "\"café €\"");
  EXPECT_EQ(JsonQuote("\xff"), "\"\xEF\xBF\xBD\"");  // invalid byte
  EXPECT_EQ(JsonQuote("\xC0\xAF"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong
  for (const std::string& text :
       {std::string("a\"b\\c"), std::string("\n\r\t\b\f"),
        std::string("\x01\x1f\x7f", 3), std::string("a\0b", 3),
        std::string("café €")}) {
    EXPECT_EQ(ReadBack(JsonQuote(text)), nlohmann::json(text)) << text;
  }
}

TEST(JsonTest, PrettyPrintsWithTwoSpaces) {
  Json doc = Json::Object();
  doc.Set("id", "CT-1")
      .Set("n", 2)
      .Set("list", Json::Array().Push(1).Push(Json::Object().Set("a", Json())));
  doc.Set("empty", Json::Array()).Set("obj", Json::Object());
  EXPECT_EQ(doc.Dump(),
            "{\n"
            "  \"id\": \"CT-1\",\n"
            "  \"n\": 2,\n"
            "  \"list\": [\n"
            "    1,\n"
            "    {\n"
            "      \"a\": null\n"
            "    }\n"
            "  ],\n"
            "  \"empty\": [],\n"
            "  \"obj\": {}\n"
            "}");
  EXPECT_EQ(
      ReadBack(doc.Dump()),
      nlohmann::json::parse(R"({"id": "CT-1", "n": 2, "list": [1, {"a": null}],
                                      "empty": [], "obj": {}})"));
}

TEST(JsonTest, SetReplacesAndKeepsOrder) {
  Json doc = Json::Object();
  doc.Set("b", 1).Set("a", 2).Set("b", 3);
  EXPECT_EQ(doc.Dump(), "{\n  \"b\": 3,\n  \"a\": 2\n}");
  EXPECT_EQ(ReadBack(doc.Dump()), nlohmann::json({{"b", 3}, {"a", 2}}));
}

}  // namespace
}  // namespace ct::util
