#include "corpus_toml.h"

#include <sstream>

namespace corpus {

Fields::Fields(const toml::table& table, std::string where, std::string& error,
               std::initializer_list<std::string_view> allowed)
    : table_(table), where_(std::move(where)), error_(error) {
  for (const auto& [key, value] : table_) {
    bool known = false;
    for (std::string_view name : allowed) known |= key.str() == name;
    if (!known) Fail("unknown key '" + std::string(key.str()) + "'");
  }
}

void Fields::Fail(const std::string& why) const {
  if (error_.empty()) error_ = where_ + ": " + why;
}

std::string Fields::Str(std::string_view key, std::string fallback) const {
  return Optional(key).value_or(std::move(fallback));
}

std::string Fields::Required(std::string_view key) const {
  if (!Has(key)) Fail("'" + std::string(key) + "' is missing");
  return Str(key);
}

std::optional<std::string> Fields::Optional(std::string_view key) const {
  if (!Has(key)) return std::nullopt;
  if (auto v = table_[key].value<std::string>()) return *v;
  Fail("'" + std::string(key) + "' is not a string");
  return std::nullopt;
}

long long Fields::Int(std::string_view key, long long fallback) const {
  if (!Has(key)) return fallback;
  if (auto v = table_[key].value<int64_t>()) return *v;
  Fail("'" + std::string(key) + "' is not an integer");
  return fallback;
}

double Fields::Number(std::string_view key, double fallback) const {
  if (!Has(key)) return fallback;
  if (auto v = table_[key].value<double>()) return *v;
  Fail("'" + std::string(key) + "' is not a number");
  return fallback;
}

bool Fields::Bool(std::string_view key, bool fallback) const {
  if (!Has(key)) return fallback;
  if (auto v = table_[key].value<bool>()) return *v;
  Fail("'" + std::string(key) + "' is not true or false");
  return fallback;
}

std::vector<std::string> Fields::Strings(std::string_view key) const {
  std::vector<std::string> out;
  if (!Has(key)) return out;
  const toml::array* array = table_[key].as_array();
  if (array == nullptr) Fail("'" + std::string(key) + "' is not an array");
  if (array == nullptr) return out;
  for (const auto& item : *array) {
    if (auto v = item.value<std::string>()) {
      out.push_back(*v);
    } else {
      Fail("'" + std::string(key) + "' holds a value that is not a string");
    }
  }
  return out;
}

const toml::table* Fields::Table(std::string_view key) const {
  if (!Has(key)) return nullptr;
  const toml::table* table = table_[key].as_table();
  if (table == nullptr) Fail("'" + std::string(key) + "' is not a table");
  return table;
}

std::vector<const toml::table*> Fields::Tables(std::string_view key) const {
  std::vector<const toml::table*> out;
  if (!Has(key)) return out;
  const toml::array* array = table_[key].as_array();
  if (array == nullptr) Fail("'" + std::string(key) + "' is not an array");
  if (array == nullptr) return out;
  for (const auto& item : *array) {
    if (const toml::table* t = item.as_table()) {
      out.push_back(t);
    } else {
      Fail("'" + std::string(key) + "' holds a value that is not a table");
    }
  }
  return out;
}

std::optional<toml::table> ParseToml(const std::string& path,
                                     std::string& error) {
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream why;
    why << e;
    error = why.str();
    return std::nullopt;
  }
}

}  // namespace corpus
