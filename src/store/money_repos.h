// Repositories of the money rails (docs/money.md "Real accounts (SEPA)"):
// where each party is paid, and the bank statement lines already recorded
// as deposits. One header each.
#ifndef CYBERTROC_STORE_MONEY_REPOS_H_
#define CYBERTROC_STORE_MONEY_REPOS_H_

#include "store/account_repo.h"
#include "store/bank_entry_repo.h"

#endif  // CYBERTROC_STORE_MONEY_REPOS_H_
