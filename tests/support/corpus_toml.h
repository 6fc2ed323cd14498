// Strict reading of the corpus's TOML files (recipe.toml, expect.toml): a
// key the reader does not know, a value of the wrong type or a missing
// required key is an error, so that a typo cannot silently drop a check.
#ifndef CYBERTROC_TESTS_SUPPORT_CORPUS_TOML_H_
#define CYBERTROC_TESTS_SUPPORT_CORPUS_TOML_H_

#include <toml++/toml.h>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace corpus {

// The keys of one TOML table. Errors go to `error` (the first one is
// kept), named by `where` ("part.signed", "expect"...).
class Fields {
 public:
  Fields(const toml::table& table, std::string where, std::string& error,
         std::initializer_list<std::string_view> allowed);

  bool Has(std::string_view key) const { return table_.contains(key); }
  // A string value; `fallback` when absent.
  std::string Str(std::string_view key, std::string fallback = "") const;
  // A string value that must be there.
  std::string Required(std::string_view key) const;
  std::optional<std::string> Optional(std::string_view key) const;
  long long Int(std::string_view key, long long fallback) const;
  double Number(std::string_view key, double fallback) const;
  bool Bool(std::string_view key, bool fallback) const;
  // An array of strings; empty when absent.
  std::vector<std::string> Strings(std::string_view key) const;
  // A table or an array of tables; nullptr when absent.
  const toml::table* Table(std::string_view key) const;
  std::vector<const toml::table*> Tables(std::string_view key) const;

  void Fail(const std::string& why) const;

 private:
  const toml::table& table_;
  std::string where_;
  std::string& error_;
};

// Parses `path`; nullopt (and `error` set) when it is no valid TOML.
std::optional<toml::table> ParseToml(const std::string& path,
                                     std::string& error);

}  // namespace corpus

#endif  // CYBERTROC_TESTS_SUPPORT_CORPUS_TOML_H_
