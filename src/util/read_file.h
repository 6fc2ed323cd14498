// Reading a whole file the operator names (config, keys, password, CA,
// rules, templates) with a ceiling on its size: a wrong path such as
// /dev/zero, a FIFO that never ends or a huge file gives an error naming the
// file and the limit, never an exhausted memory.
#ifndef CYBERTROC_UTIL_READ_FILE_H_
#define CYBERTROC_UTIL_READ_FILE_H_

#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::util {

// The bytes of `path`, at most `max_bytes` of them. Errors (the message
// starts with `what` and the path, e.g. "key file /tmp/k.asc: ..."):
// kNotFound when it does not exist; kInvalidInput when it is a directory or
// holds more than `max_bytes`; kIo when it cannot be opened or read.
Result<std::string> ReadFileLimited(const std::string& path, size_t max_bytes,
                                    std::string_view what);

// `path` opened to be read, front to back and as often as needed, without
// holding it in memory; at most `max_bytes` of it, with ReadFileLimited's
// errors. A regular file is read where it is (its size checked first);
// anything else (a pipe, a device) is first copied, up to the limit, into
// a temporary file that is already unlinked.
Result<std::unique_ptr<std::istream>> OpenFileLimited(const std::string& path,
                                                      size_t max_bytes,
                                                      std::string_view what);

// "1 MiB", "64 KiB", "512 bytes".
std::string ByteSize(size_t bytes);

}  // namespace ct::util

#endif  // CYBERTROC_UTIL_READ_FILE_H_
