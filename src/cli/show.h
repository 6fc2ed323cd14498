// The two renderings of `show TX`.
#ifndef CYBERTROC_CLI_SHOW_H_
#define CYBERTROC_CLI_SHOW_H_

#include "app/deals/deals.h"
#include "app/deals/views.h"
#include "util/json.h"

namespace ct::cli {

util::Json DealViewJson(const app::DealView& view, const app::Context& ctx);
void PrintDealView(const app::DealView& view, const app::Context& ctx);

// Trust (cli/show_trust.cpp): moderator, referrer, digital delivery and
// the ratings of the deal; null / nothing printed when it has none.
util::Json TrustJson(const app::DealView& view);
void PrintTrust(const app::DealView& view);

}  // namespace ct::cli

#endif  // CYBERTROC_CLI_SHOW_H_
