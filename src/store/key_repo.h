// KeyRepo: address-to-key bindings and the signatures already seen. No
// transactions of its own.
#ifndef CYBERTROC_STORE_KEY_REPO_H_
#define CYBERTROC_STORE_KEY_REPO_H_

#include <optional>
#include <string>
#include <vector>

#include "core/time.h"
#include "store/database.h"
#include "store/records.h"

namespace ct::store {

class KeyRepo {
 public:
  explicit KeyRepo(Database& db) : db_(db) {}
  // Inserts or replaces the binding of binding.email.
  Result<void> Bind(const BindingRecord& binding);
  Result<std::optional<BindingRecord>> Find(const std::string& email);
  Result<std::vector<BindingRecord>> All();
  // Records a signature (by its digest); false when it was seen before.
  // Records are never deleted: see key_repo.cpp.
  Result<bool> RememberSignature(const std::string& sig_digest,
                                 const std::string& fingerprint,
                                 core::Time made, core::Time seen);
  // Marks a remembered signature as that of an applied command (refused
  // ones stay unmarked), for whoever investigates a replay.
  Result<void> MarkAccepted(const std::string& sig_digest);

 private:
  Database& db_;
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_KEY_REPO_H_
