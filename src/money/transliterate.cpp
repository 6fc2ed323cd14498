#include "money/transliterate.h"

#include <fmt/format.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <mutex>

#include "money/transliterator.h"

namespace ct::money {

// ICU's translit.h: transliterators "are not immutable, so they must be
// synchronized when shared between threads". One mutex per instance
// rather than a clone per caller: names are short and few.
struct Transliterator::Impl {
  std::unique_ptr<icu::Transliterator> icu;
  std::mutex mutex;
};

Transliterator::Transliterator(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
Transliterator::Transliterator(Transliterator&&) noexcept = default;
Transliterator& Transliterator::operator=(Transliterator&&) noexcept = default;
Transliterator::~Transliterator() = default;

Result<Transliterator> Transliterator::Create(std::string_view id) {
  UErrorCode status = U_ZERO_ERROR;
  auto impl = std::make_unique<Impl>();
  impl->icu.reset(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8(icu::StringPiece(id.data(), id.size())),
      UTRANS_FORWARD, status));
  if (U_FAILURE(status) || !impl->icu)
    return Fail(ErrorKind::kInternal,
                fmt::format("ICU cannot make the transliterator '{}' ({}): "
                            "is its data (libicu72) installed?",
                            id, u_errorName(status)));
  return Transliterator(std::move(impl));
}

std::string Transliterator::Apply(std::string_view text) const {
  icu::UnicodeString unicode =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), text.size()));
  {
    std::lock_guard lock(impl_->mutex);
    impl_->icu->transliterate(unicode);
  }
  std::string out;
  unicode.toUTF8String(out);
  return out;
}

Result<std::string> ToLatinAscii(std::string_view text) {
  // Every transform below leaves ASCII as it is: most names never need
  // ICU, nor the time it takes to build the transliterator.
  if (std::ranges::all_of(
          text, [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
    return std::string(text);
  // Never destroyed: a thread still writing a file at exit must not find
  // it gone (as config::BankKeys()).
  static const auto* const shared = new Result<Transliterator>(
      Transliterator::Create("NFKC; Any-Latin; Latin-ASCII"));
  CT_TRY(*shared);
  return (*shared)->Apply(text);
}

}  // namespace ct::money
