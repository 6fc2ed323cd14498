// ListingRepo: listings, the interest shown in them, the deals they opened
// and their full-text index (schema: kSchemaListings). Like every
// repository it never begins a transaction: the caller groups the writes of
// one message or one timer with store::Transaction.
#ifndef CYBERTROC_STORE_LISTING_REPO_H_
#define CYBERTROC_STORE_LISTING_REPO_H_

#include <optional>
#include <string>
#include <vector>

#include "core/listing.h"
#include "store/database.h"

namespace ct::store {

struct InterestRecord {
  std::string listing_id;
  std::string email;
  std::string note;  // the short text sent with 07
  core::Time at{};
};

class ListingRepo {
 public:
  explicit ListingRepo(Database& db) : db_(db) {}

  // Inserts the listing and its words into the search index.
  Result<void> Insert(const core::Listing& listing);
  // Saves what may change: state, reminded, deal_id, locked_to.
  Result<void> Update(const core::Listing& listing);
  // kNotFound for an unknown id.
  Result<core::Listing> Load(const std::string& id);
  Result<bool> Exists(const std::string& id);

  // Open and locked listings of `lister`: what listings.max_open_per_party
  // caps.
  Result<int> CountActive(const std::string& lister);
  // Every listing, or those in `state`, oldest first.
  Result<std::vector<core::Listing>> List(const std::string& state);
  // Open listings not past their date at `now` matching `query`, best
  // first (FTS5 rank; newest first when there are no words), at most
  // `limit`.
  Result<std::vector<core::Listing>> Search(const core::SearchQuery& query,
                                            size_t limit, core::Time now);
  // Ids of open listings whose expiry or expiry reminder is due at `now`.
  Result<std::vector<std::string>> TimerCandidates(core::Time now);

  // Records an interest; kInvalidInput when that address already did.
  Result<void> AddInterest(const InterestRecord& interest);
  Result<std::vector<InterestRecord>> Interests(const std::string& listing_id);
  Result<bool> IsInterested(const std::string& listing_id,
                            const std::string& email);

  // A deal opened by locking a listing.
  Result<void> LinkDeal(const std::string& deal_id,
                        const std::string& listing_id);
  // The listing a deal came from, if any.
  Result<std::optional<std::string>> ListingOfDeal(const std::string& deal_id);
  // The deals a listing opened, oldest first.
  Result<std::vector<std::string>> DealsOf(const std::string& listing_id);

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_LISTING_REPO_H_
