// Text of any script in plain Latin letters, for the bank files whose
// character set is basic Latin (SEPA names, docs/money.md "Money out").
// ICU does the work: a hand-written table knows a few accented letters,
// ICU's transliterators know Cyrillic, Greek, Han, Arabic, Hangul...
#ifndef CYBERTROC_MONEY_TRANSLITERATE_H_
#define CYBERTROC_MONEY_TRANSLITERATE_H_

#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::money {

// `text` (UTF-8) in ASCII where ICU knows how: NFKC (full-width and styled
// letters read as plain ones), then Any-Latin ("Дмитрий" -> "Dmitrij", "株"
// -> "zhu"), then Latin-ASCII ("Zoé" -> "Zoe", "ß" -> "ss"). What has no
// Latin form (emoji, most symbols) is left as it is. ASCII text comes back
// unchanged. The transliterator is made once per process, on the first
// text that is not ASCII (ICU takes ~0.1 s to build it); kInternal then
// and ever after when ICU cannot build it.
Result<std::string> ToLatinAscii(std::string_view text);

}  // namespace ct::money

#endif  // CYBERTROC_MONEY_TRANSLITERATE_H_
