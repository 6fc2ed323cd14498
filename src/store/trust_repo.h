// Tables of trust (store/schema.cpp, kSchemaTrust): the operator's
// moderators (store/moderator_repo.h), and reputation facts, ratings and key
// links (store/reputation_repo.h). trust_repo.cpp implements both
// repositories.
#ifndef CYBERTROC_STORE_TRUST_REPO_H_
#define CYBERTROC_STORE_TRUST_REPO_H_

#include "store/moderator_repo.h"
#include "store/reputation_repo.h"

#endif  // CYBERTROC_STORE_TRUST_REPO_H_
