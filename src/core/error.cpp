#include "core/error.h"

namespace ct {

const char* ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidInput:
      return "invalid input";
    case ErrorKind::kNotFound:
      return "not found";
    case ErrorKind::kRefused:
      return "refused";
    case ErrorKind::kConfig:
      return "configuration error";
    case ErrorKind::kUsage:
      return "usage error";
    case ErrorKind::kIo:
      return "i/o error";
    case ErrorKind::kBusy:
      return "busy";
    case ErrorKind::kInternal:
      return "internal error";
  }
  return "error";
}

}  // namespace ct
