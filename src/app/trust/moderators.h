// The operator's list of moderators an offer may name (docs/operator.md):
// each a bound address, its fee and the language of its mail.
#ifndef CYBERTROC_APP_TRUST_MODERATORS_H_
#define CYBERTROC_APP_TRUST_MODERATORS_H_

#include <cstdint>
#include <string>

#include "app/base/context.h"
#include "store/trust_repo.h"

namespace ct::app {

struct ModeratorRequest {
  std::string email;   // canonical, outside our own mailboxes
  std::string key;     // the fingerprint as the operator typed it
  int64_t fee_bp = 0;  // hundredths of a percent, 0..10000
  std::string lang;    // a language with templates
};

// Lists the moderator, its key bound to its address as a party's is (its
// mail is then verified like a party's), in one transaction. kUsage when
// the key is not in gpg.home or does not carry the address
// (verify::KeyCarrying).
Result<store::ModeratorRecord> AddModerator(Context& ctx,
                                            const ModeratorRequest& request);

// Takes `email` off the list; false when it was not on it. Deals that
// already name it keep it, and its key stays bound.
Result<bool> RemoveModerator(Context& ctx, const std::string& email);

}  // namespace ct::app

#endif  // CYBERTROC_APP_TRUST_MODERATORS_H_
