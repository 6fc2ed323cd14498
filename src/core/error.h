// The one error model of cybertroc: every fallible function returns
// Result<T>, a [[nodiscard]] std::expected<T, Error>. Adapters turn library
// exceptions into an Error in one place each; the CLI maps ErrorKind to the
// exit status.
#ifndef CYBERTROC_CORE_ERROR_H_
#define CYBERTROC_CORE_ERROR_H_

#include <expected>
#include <string>
#include <utility>

namespace ct {

enum class ErrorKind {
  kInvalidInput,  // a person or party sent something malformed
  kNotFound,      // unknown deal, payout, message...
  kRefused,       // well-formed but not allowed now
  kConfig,        // configuration, rules or templates are wrong (exit 2)
  kUsage,         // bad command line (exit 2)
  kIo,            // disk, database, network: retry later (exit 1)
  kBusy,          // another run holds the lock
  kInternal,      // a bug; never expected
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
};

// Result<T> is std::expected<T, Error> that must be looked at: a call whose
// Result is dropped is a warning (and -Werror builds stop), because a dropped
// Result is an error nobody handled. An alias cannot carry [[nodiscard]], so
// this is a thin class adding nothing else; where dropping is the intent, the
// call site says `(void)` and why.
template <typename T>
class [[nodiscard]] Result : public std::expected<T, Error> {
 public:
  using Base = std::expected<T, Error>;
  using Base::Base;
  Result() = default;
  // From a plain std::expected (the base's own copy and move constructors are
  // not inherited).
  Result(const Base& other) : Base(other) {}  // NOLINT(runtime/explicit)
  Result(Base&& other) : Base(std::move(other)) {}  // NOLINT(runtime/explicit)
};

// Shorthand used everywhere: `return Fail(ErrorKind::kIo, "...")`.
inline std::unexpected<Error> Fail(ErrorKind kind, std::string message) {
  return std::unexpected<Error>(Error{kind, std::move(message)});
}

const char* ErrorKindName(ErrorKind kind);

}  // namespace ct

// CT_TRY(expr): when `expr` (a Result, or the name of one) holds an error,
// returns that error from the enclosing function, which returns a Result of
// any type. A named Result is not copied and keeps its error; a temporary's
// error is moved. Usage:
//   CT_TRY(tx->Commit());
//   auto row = repo.Load(id);
//   CT_TRY(row);  // from here on *row is the value
// There is deliberately no macro that declares and unwraps the value: with
// Result<std::optional<T>>, a `*x` left over from the wrapped form would still
// compile and mean something else.
#define CT_TRY(expr)                                                       \
  do {                                                                     \
    if (auto&& ct_try_result_ = (expr); !ct_try_result_) {                 \
      return std::unexpected(                                              \
          std::forward<decltype(ct_try_result_)>(ct_try_result_).error()); \
    }                                                                      \
  } while (false)

#endif  // CYBERTROC_CORE_ERROR_H_
