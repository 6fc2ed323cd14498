// Transaction ids: "CT-" + 8 random Crockford base32 characters.
#ifndef CYBERTROC_APP_BASE_IDS_H_
#define CYBERTROC_APP_BASE_IDS_H_

#include <string>
#include <string_view>

#include "core/error.h"
#include "store/database.h"

namespace ct::app {

// A random id (std::random_device), not yet used in `db`.
Result<std::string> NewDealId(store::Database& db);

// Normalises an id typed by a person: upper case, Crockford look-alikes
// (O -> 0, I/L -> 1) in the random part. kUsage when it is not an id.
Result<std::string> ParseDealId(std::string_view text);

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_IDS_H_
