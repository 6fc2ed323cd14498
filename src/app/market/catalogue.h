// `cybertroc catalogue --out DIR`: the open listings as static files
// (notify/catalogue_site.h) written into DIR for any web server to publish.
#ifndef CYBERTROC_APP_MARKET_CATALOGUE_H_
#define CYBERTROC_APP_MARKET_CATALOGUE_H_

#include <string>

#include "app/base/context.h"

namespace ct::app {

struct CatalogueReport {
  int listings = 0;  // open listings published
  int removed = 0;   // pages of listings no longer open, deleted
};

// Writes the catalogue into `dir` (created if missing). Each file is
// written beside its final name and renamed over it, so that a web server
// never serves half a page; pages of listings that are no longer open are
// deleted, so that a re-run publishes exactly the open ones.
Result<CatalogueReport> WriteCatalogue(Context& ctx, const std::string& dir);

}  // namespace ct::app

#endif  // CYBERTROC_APP_MARKET_CATALOGUE_H_
