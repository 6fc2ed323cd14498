// Text of any script in plain Latin letters, for the bank files whose
// character set is basic Latin (SEPA names, docs/money.md "Money out").
// ICU does the work: a hand-written table knows a few accented letters,
// ICU's transliterators know Cyrillic, Greek, Han, Arabic, Hangul...
#ifndef CYBERTROC_MONEY_TRANSLITERATE_H_
#define CYBERTROC_MONEY_TRANSLITERATE_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::money {

// One ICU transliterator behind RAII, safe to share between threads.
class Transliterator {
 public:
  // The transliterator ICU knows by `id` ("Any-Latin; Latin-ASCII"...).
  // kInternal when ICU cannot build it (an unknown id, ICU's data missing).
  static Result<Transliterator> Create(std::string_view id);

  Transliterator(Transliterator&&) noexcept;
  Transliterator& operator=(Transliterator&&) noexcept;
  ~Transliterator();

  // `text` (UTF-8) transliterated; broken UTF-8 becomes U+FFFD first.
  std::string Apply(std::string_view text) const;

 private:
  struct Impl;
  explicit Transliterator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

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
