// Repositories of the deals and their mail, one header each. Each is a thin
// object over a Database& that never begins transactions itself; callers
// group writes with store::Transaction so that one command's effects commit
// together.
#ifndef CYBERTROC_STORE_REPOS_H_
#define CYBERTROC_STORE_REPOS_H_

#include "store/deal_repo.h"
#include "store/history_repo.h"
#include "store/inbox_repo.h"
#include "store/key_repo.h"
#include "store/outbox_repo.h"
#include "store/payout_repo.h"

#endif  // CYBERTROC_STORE_REPOS_H_
