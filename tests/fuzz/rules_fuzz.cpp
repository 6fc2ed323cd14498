// libFuzzer target: the rules loader (src/rules/loader.h) on any TOML text:
// parsing with toml++, then our reading and validation of the case.
#include <string>

#include "fuzz_check.h"
#include "rules/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(ct::fuzz::Text(data, size));
  auto rules = ct::rules::LoadString(text, "fuzz.toml");
  if (!rules) {
    ct::fuzz::Check(rules.error().message.starts_with("fuzz.toml"),
                    "errors name the file");
  }
  return 0;
}
