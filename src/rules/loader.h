// Loads rules/*.toml into core::CaseRules and validates them. Every problem
// is reported as "FILE: KEY: what was expected" so that `check` can name it.
#ifndef CYBERTROC_RULES_LOADER_H_
#define CYBERTROC_RULES_LOADER_H_

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/rules.h"

namespace ct::rules {

// All cases of one rules directory, by case name ("sale", "exchange").
struct RuleBook {
  std::map<std::string, core::CaseRules> cases;

  // kNotFound naming the known cases when absent.
  Result<const core::CaseRules*> Find(const std::string& case_name) const;
  // Every template name any case can emit (for `check` and the tests).
  std::vector<std::string> TemplateNames() const;
};

// Parses and validates one file.
Result<core::CaseRules> LoadFile(const std::string& path);
// Parses and validates text (path only used in messages).
Result<core::CaseRules> LoadString(const std::string& text,
                                   const std::string& path);
// Every *.toml of `dir`; an empty directory is a kConfig error.
Result<RuleBook> LoadDir(const std::string& dir);

}  // namespace ct::rules

#endif  // CYBERTROC_RULES_LOADER_H_
