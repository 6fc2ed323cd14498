#include "json_output.h"

namespace cttest {

Json ParseJson(const std::string& text) {
  return Json::parse(text, nullptr, /*allow_exceptions=*/false);
}

long JsonInt(const std::string& json, const std::string& key) {
  const Json doc = ParseJson(json);
  if (!doc.is_object()) return -1;
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_number_integer()) return -1;
  return it->get<long>();
}

std::string JsonString(const std::string& json, const std::string& key) {
  const Json doc = ParseJson(json);
  if (!doc.is_object()) return "";
  auto it = doc.find(key);
  if (it == doc.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string JsonField(const Json& object, const std::string& key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  if (it == object.end()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

std::vector<std::string> JsonFields(const Json& array, const std::string& key) {
  std::vector<std::string> out;
  if (!array.is_array()) return out;
  for (const Json& element : array) out.push_back(JsonField(element, key));
  return out;
}

}  // namespace cttest
