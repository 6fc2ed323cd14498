// A minimal PNG writer for black-and-white images (the EPC QR code).
// Written over zlib rather than with libpng because libpng reports errors
// by longjmp, which would skip the destructors of the C++ frames around
// it; a 1-bit grayscale PNG is four chunks (PNG specification, ISO/IEC
// 15948), and zlib does the compression and the CRCs.
#ifndef CYBERTROC_MONEY_PNG_H_
#define CYBERTROC_MONEY_PNG_H_

#include <functional>
#include <string>

#include "core/error.h"

namespace ct::money {

// A `width` x `height` 1-bit grayscale PNG; `black(x, y)` says which pixels
// are black. kInvalidInput for a size outside 1..4096; kInternal if zlib
// fails.
Result<std::string> MonochromePng(int width, int height,
                                  const std::function<bool(int, int)>& black);

}  // namespace ct::money

#endif  // CYBERTROC_MONEY_PNG_H_
