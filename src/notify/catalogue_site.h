// The public catalogue of open listings (`cybertroc catalogue --out DIR`):
// static files that any web server can publish, built here as strings.
// Pure: the app layer (app/market/catalogue.h) loads the listings and writes.
//
// Every outside text (titles, tags, wants) is HTML- or XML-escaped; the
// pages run one script of our own (kCatalogueScript) and the
// Content-Security-Policy allows nothing else. Listers' addresses appear
// only with `show_lister`.
#ifndef CYBERTROC_NOTIFY_CATALOGUE_SITE_H_
#define CYBERTROC_NOTIFY_CATALOGUE_SITE_H_

#include <map>
#include <string>
#include <vector>

#include "core/listing.h"

namespace ct::notify {

struct CatalogueInput {
  std::vector<core::Listing> listings;  // the open ones, newest first
  std::string escrow_address;           // where interest mail goes
  std::string currency = "EUR";
  bool show_lister = false;
  core::Time now{};
  // The catalogue's language (templates.default_language) and its labels
  // (templates/<lang>/_labels.txt): the "catalogue.*" lines give the words,
  // "format.decimal_mark" how amounts are written; English where missing.
  std::string lang = "en";
  std::map<std::string, std::string> labels;
};

// One file of the catalogue: a path relative to DIR and its content.
struct CatalogueFile {
  std::string path;  // "index.html", "l/CL-7K3QX9A2.html", "feed.atom", ...
  std::string content;
};

// Every file: index.html (all listings, with the filter form),
// catalogue.js (the client-side filter by words, price or value, case),
// catalogue.css, feed.atom, and l/<id>.html per listing.
std::vector<CatalogueFile> BuildCatalogue(const CatalogueInput& in);

// "mailto:ESCROW?subject=CL-…&body=CL-…%2007" (RFC 6068): the visitor's
// mail client opens with the interest line as the body, to sign and send.
std::string InterestMailto(const std::string& escrow,
                           const std::string& listing_id);

// Text with & < > " ' escaped, for HTML and XML alike.
std::string EscapeMarkup(std::string_view text);

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_CATALOGUE_SITE_H_
