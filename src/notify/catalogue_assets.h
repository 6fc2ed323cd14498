// The fixed files of the public catalogue (notify/catalogue_site.h).
#ifndef CYBERTROC_NOTIFY_CATALOGUE_ASSETS_H_
#define CYBERTROC_NOTIFY_CATALOGUE_ASSETS_H_

namespace ct::notify {

// The client-side filter: words (all must appear, accents and case
// ignored), a maximum price or value, a case. Reads ?q=&max=&case= on load
// so that a filtered view can be linked to.
extern const char kCatalogueScript[];
extern const char kCatalogueStyle[];

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_CATALOGUE_ASSETS_H_
