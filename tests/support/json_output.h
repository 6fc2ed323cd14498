// Reading what `cybertroc --json ...` prints, with nlohmann-json (the
// product writes its JSON by hand in src/util/json.cpp: the tests read it
// with an independent parser).
#ifndef CYBERTROC_TESTS_SUPPORT_JSON_OUTPUT_H_
#define CYBERTROC_TESTS_SUPPORT_JSON_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cttest {

using Json = nlohmann::json;

// `text` parsed; a discarded value (is_discarded()) when it is not one
// JSON document.
Json ParseJson(const std::string& text);

// The integer member `key` of the JSON object `json` (-1 when `json` is
// not a JSON object or has no such integer member).
long JsonInt(const std::string& json, const std::string& key);

// The string member `key` of the JSON object `json` ("" when `json` is not
// a JSON object or has no such string member).
std::string JsonString(const std::string& json, const std::string& key);

// The member `key` of `object` as text: a string as it is, any other value
// as JSON ("null", "true", "3"), "" when absent or `object` is no object.
std::string JsonField(const Json& object, const std::string& key);

// JsonField(element, key) of every element of the array `array`, in order
// (none when `array` is no array).
std::vector<std::string> JsonFields(const Json& array, const std::string& key);

}  // namespace cttest

#endif  // CYBERTROC_TESTS_SUPPORT_JSON_OUTPUT_H_
