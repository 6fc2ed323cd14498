// What happens to a corpus message on the way, after it was made and
// before it is delivered: the `then` list of a recipe step
// (tests/corpus/README.md, "Transforms").
#ifndef CYBERTROC_TESTS_SUPPORT_CORPUS_TRANSFORM_H_
#define CYBERTROC_TESTS_SUPPORT_CORPUS_TRANSFORM_H_

#include <toml++/toml.h>

#include <functional>
#include <string>

namespace corpus {

// Applies the transform `t` ({ do = "...", ... }) to `raw`. `expand`
// replaces the placeholders of the strings `t` holds; `tag` names what it
// makes (Message-IDs). Errors in `t` go to `error` (first one kept); a
// message that is not what the transform expects fails the test.
std::string Transform(
    const std::string& raw, const toml::table& t,
    const std::function<std::string(const std::string&)>& expand,
    const std::string& tag, const std::string& where, std::string& error);

}  // namespace corpus

#endif  // CYBERTROC_TESTS_SUPPORT_CORPUS_TRANSFORM_H_
