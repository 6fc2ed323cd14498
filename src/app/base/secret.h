// Secrets (passwords) read from the files the configuration names.
#ifndef CYBERTROC_APP_BASE_SECRET_H_
#define CYBERTROC_APP_BASE_SECRET_H_

#include <string>

#include "core/error.h"

namespace ct::app {

// The first line of a secret file ("" for an empty path). Never logged.
Result<std::string> ReadSecret(const std::string& path);

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_SECRET_H_
