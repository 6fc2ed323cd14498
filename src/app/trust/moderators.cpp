#include "app/trust/moderators.h"

#include "store/database.h"
#include "verify/identity.h"

namespace ct::app {

Result<store::ModeratorRecord> AddModerator(Context& ctx,
                                            const ModeratorRequest& request) {
  auto primary =
      verify::KeyCarrying(ctx, "moderators add", request.email, request.key);
  CT_TRY(primary);
  auto tx = store::Transaction::Begin(ctx.db);
  CT_TRY(tx);
  CT_TRY(verify::BindKey(ctx, request.email, *primary,
                         verify::BindingKind::kModerator));
  store::ModeratorRecord moderator{request.email, *primary, request.fee_bp,
                                   request.lang, ctx.now};
  CT_TRY(store::ModeratorRepo(ctx.db).Put(moderator));
  CT_TRY(tx->Commit());
  return moderator;
}

Result<bool> RemoveModerator(Context& ctx, const std::string& email) {
  return store::ModeratorRepo(ctx.db).Remove(email);
}

}  // namespace ct::app
