// What escapes a piece of work (an exception, std::bad_alloc) turned into an
// Error, so that it stays that piece's problem.
#ifndef CYBERTROC_APP_BASE_GUARDED_H_
#define CYBERTROC_APP_BASE_GUARDED_H_

#include <fmt/format.h>

#include <exception>
#include <new>

#include "core/error.h"

namespace ct::app {

// Turns what escapes the processing of one message into an error, so that
// it stays that message's problem (its transaction, if any, rolled back).
template <typename Work>
auto Guarded(Work&& work) -> decltype(work()) {
  try {
    return work();
  } catch (const std::bad_alloc&) {
    return Fail(ErrorKind::kInternal, "out of memory (std::bad_alloc)");
  } catch (const std::exception& e) {
    return Fail(ErrorKind::kInternal,
                fmt::format("unexpected error: {}", e.what()));
  } catch (...) {
    return Fail(ErrorKind::kInternal, "unexpected error");
  }
}

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_GUARDED_H_
