// Transliterator: an ICU transliterator, as ToLatinAscii
// (money/transliterate.h) uses one. Implemented in money/transliterate.cpp.
#ifndef CYBERTROC_MONEY_TRANSLITERATOR_H_
#define CYBERTROC_MONEY_TRANSLITERATOR_H_

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

}  // namespace ct::money

#endif  // CYBERTROC_MONEY_TRANSLITERATOR_H_
