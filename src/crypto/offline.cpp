#include "crypto/offline.h"

#include <gpgme.h>

namespace ct::crypto {

void MakeOffline(GpgContext& ctx) {
  if (!ctx.is_open()) return;  // it will be made offline
  gpgme_set_offline(ctx.get(), 1);
  gpgme_set_ctx_flag(ctx.get(), "auto-key-retrieve", "0");
}

}  // namespace ct::crypto
