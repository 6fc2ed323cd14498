// Splitting a line of text into blank-separated words, as the e-mail command
// grammar and the listing commands read their arguments.
#ifndef CYBERTROC_CORE_WORDS_H_
#define CYBERTROC_CORE_WORDS_H_

#include <string_view>
#include <vector>

namespace ct::core {

// The words of `text`: the runs of bytes that std::isspace() does not accept,
// in order. Blanks before, between and after them are dropped; an empty or
// all-blank `text` has no word. The views point into `text`.
std::vector<std::string_view> SplitWords(std::string_view text);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_WORDS_H_
