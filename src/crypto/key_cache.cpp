#include "crypto/key_cache.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>

#include "util/text.h"

namespace ct::crypto {
namespace {

// Where gpg keeps public keys (keybox, legacy keyring, keyboxd's database).
constexpr const char* kKeyFiles[] = {"pubring.kbx", "pubring.gpg",
                                     "public-keys.d/pubring.db",
                                     "public-keys.d/pubring.db-wal"};
constexpr const char* kTrustFiles[] = {"trustdb.gpg"};

std::string HomeDir(const std::string& home) {
  if (!home.empty()) return home;
  if (const char* env = std::getenv("GNUPGHOME"); env && *env) return env;
  const char* user = std::getenv("HOME");
  return std::string(user ? user : "") + "/.gnupg";
}

SubkeyFacts SubkeyFactsOf(gpgme_subkey_t sub) {
  SubkeyFacts f;
  f.fingerprint = CanonicalFingerprint(sub->fpr ? sub->fpr : "");
  f.revoked = sub->revoked;
  f.disabled = sub->disabled;
  f.invalid = sub->invalid;
  f.can_encrypt = sub->can_encrypt;
  f.expires = sub->expires;
  return f;
}

void AddFileState(const std::string& path, std::vector<int64_t>& out) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    out.insert(out.end(), {0, 0, 0, 0, 0});
    return;
  }
  out.insert(out.end(),
             {1, static_cast<int64_t>(st.st_dev),
              static_cast<int64_t>(st.st_ino), static_cast<int64_t>(st.st_size),
              static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                  st.st_mtim.tv_nsec});
}

}  // namespace

std::string CanonicalFingerprint(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

KeyTime KeyClockNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool SubkeyFacts::UsableAt(KeyTime now) const {
  return !revoked && !disabled && !invalid && (expires == 0 || now < expires);
}

std::string KeyFacts::primary() const {
  return subkeys.empty() ? "" : subkeys.front().fingerprint;
}

bool KeyFacts::Holds(const std::string& id) const {
  if (id.empty()) return false;
  return std::any_of(subkeys.begin(), subkeys.end(), [&](const auto& sub) {
    return sub.fingerprint == id ||
           (id.size() == 16 && sub.fingerprint.ends_with(id));
  });
}

bool KeyFacts::UsableAt(KeyTime now) const {
  return !revoked && !disabled && !invalid && !subkeys.empty() &&
         (subkeys.front().expires == 0 || now < subkeys.front().expires);
}

bool KeyFacts::CanEncryptAt(KeyTime now) const {
  return UsableAt(now) &&
         std::any_of(subkeys.begin(), subkeys.end(), [&](const auto& sub) {
           return sub.can_encrypt && sub.UsableAt(now);
         });
}

KeyFacts FactsOf(gpgme_key_t key) {
  KeyFacts facts;
  for (gpgme_subkey_t sub = key->subkeys; sub; sub = sub->next)
    facts.subkeys.push_back(SubkeyFactsOf(sub));
  for (gpgme_user_id_t uid = key->uids; uid; uid = uid->next)
    if (uid->email && !uid->revoked && !uid->invalid)
      facts.emails.push_back(util::AsciiLower(uid->email));
  facts.revoked = key->revoked;
  facts.disabled = key->disabled;
  facts.invalid = key->invalid;
  return facts;
}

KeyringStamp StampOf(const std::string& home) {
  const std::string dir = HomeDir(home) + "/";
  KeyringStamp stamp;
  for (const char* name : kKeyFiles) AddFileState(dir + name, stamp.keys);
  for (const char* name : kTrustFiles) AddFileState(dir + name, stamp.trust);
  return stamp;
}

void KeyCache::Revalidate() {
  KeyringStamp now = StampOf(home_);
  if (stamp_ && *stamp_ == now) return;
  if (!stamp_ || stamp_->keys != now.keys) key_blocks_.clear();
  keys_.clear();
  signer_.clear();
  stamp_ = std::move(now);
}

std::shared_ptr<const CachedKey> KeyCache::Find(const std::string& id) {
  Revalidate();
  auto found = keys_.find(id);
  return found == keys_.end() ? nullptr : found->second;
}

void KeyCache::Put(const std::string& id,
                   std::shared_ptr<const CachedKey> key) {
  keys_[key->facts.primary()] = key;
  keys_[id] = std::move(key);
}

void KeyCache::Drop(const std::vector<std::string>& fingerprints) {
  for (const auto& text : fingerprints) {
    const std::string fpr = CanonicalFingerprint(text);
    std::erase_if(keys_, [&](const auto& entry) {
      return entry.second->facts.Holds(fpr);
    });
    if (signer_ == fpr) signer_.clear();
  }
}

const std::string& KeyCache::Signer() {
  Revalidate();
  return signer_;
}

bool KeyCache::KnowsKeyBlock(const std::string& digest) {
  Revalidate();
  return key_blocks_.contains(digest);
}

void KeyCache::RememberKeyBlock(const std::string& digest) {
  Revalidate();
  key_blocks_.insert(digest);
}

}  // namespace ct::crypto
