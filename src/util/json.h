// A small JSON writer for every `--json` output: build a value tree, then
// Dump() it pretty-printed with a 2-space indent. Object members keep their
// insertion order so that output is stable and readable. Strings are UTF-8;
// invalid bytes are written as U+FFFD so that the output is always valid JSON.
#ifndef CYBERTROC_UTIL_JSON_H_
#define CYBERTROC_UTIL_JSON_H_

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ct::util {

class Json {
 public:
  Json() = default;  // null
  Json(bool value) : kind_(Kind::kBool), bool_(value) {}
  template <std::integral T>
  requires(!std::same_as<T, bool>) Json(T value)
      : kind_(Kind::kInt), int_(static_cast<int64_t>(value)) {}
  Json(std::string value) : kind_(Kind::kString), string_(std::move(value)) {}
  Json(std::string_view value) : Json(std::string(value)) {}
  Json(const char* value) : Json(std::string(value)) {}

  static Json Null() { return Json(); }
  static Json Object();
  static Json Array();

  // Adds (or replaces) a member. REQUIRES: this is an object.
  Json& Set(std::string key, Json value);
  // Appends an element. REQUIRES: this is an array.
  Json& Push(Json value);

  bool IsNull() const { return kind_ == Kind::kNull; }
  size_t size() const { return items_.size(); }

  // Pretty-printed text, 2-space indent, no trailing newline.
  std::string Dump() const;

 private:
  enum class Kind { kNull, kBool, kInt, kString, kArray, kObject };
  void DumpTo(std::string& out, int depth) const;

  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  int64_t int_ = 0;
  std::string string_;
  std::vector<std::string> keys_;  // objects: keys_[i] names items_[i]
  std::vector<Json> items_;
};

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

}  // namespace ct::util

#endif  // CYBERTROC_UTIL_JSON_H_
