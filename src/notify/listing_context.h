// The listing part of the template context (templates/CONTEXT.md,
// "Listings"): set in every context, empty or false when the message is not
// about a listing, so that templates never meet an unknown key.
#ifndef CYBERTROC_NOTIFY_LISTING_CONTEXT_H_
#define CYBERTROC_NOTIFY_LISTING_CONTEXT_H_

#include <kainjow/mustache.hpp>
#include <string>
#include <vector>

#include "core/listing.h"
#include "core/reputation.h"

namespace ct::notify {

struct MessageInput;

// What a listing message is about. Pointers are borrowed for the call.
struct ListingInput {
  const core::Listing* listing = nullptr;  // the listing, if one
  // 07 told to the lister: who and the note (never the key).
  std::string interested_email;
  std::string interested_note;
  // CT 06: the words as typed and the matches, best first.
  std::string search_text;
  std::vector<core::Listing> results;
  // Deal of the lock that ended (listing_reopened / listing_closed).
  std::string deal_id;
  // CT 06: the lister's record of each result, in the order of `results`
  // (docs/protocol.md "Reputation"); a result past its end shows none.
  std::vector<core::ReputationSummary> records;
};

// The listing templates, for `check` and tests.
std::vector<std::string> ListingTemplateNames();

// Sets every listing key of `ctx` from `in.listing_input` (or empty).
void SetListingContext(kainjow::mustache::data& ctx, const MessageInput& in);

// A fully populated listing part, for CheckTemplates.
void SetSampleListingContext(kainjow::mustache::data& ctx,
                             const MessageInput& in);

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_LISTING_CONTEXT_H_
