// KeyRepo: address-to-key bindings (trust on first use) and the signatures
// already seen (applied or refused), which stop replays of a signed command.
#include "store/key_repo.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/codec.h"

namespace ct::store {
namespace {

using internal::AsciiLower;
using internal::AsciiUpper;
using internal::BindTime;
using internal::ColumnTime;

BindingRecord ReadBinding(const Statement& st) {
  BindingRecord binding;
  binding.email = st.ColumnText(0);
  binding.fingerprint = st.ColumnText(1);
  binding.bound_at = ColumnTime(st, 2);
  binding.how = st.ColumnText(3);
  return binding;
}

}  // namespace

Result<void> KeyRepo::Bind(const BindingRecord& binding) {
  // Addresses are compared lower-cased and fingerprints upper-cased
  // everywhere, so both are normalised once, here.
  Result<Statement> st = db_.Prepare(
      "INSERT INTO bindings (email, fingerprint, bound_at, how) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (email) DO UPDATE SET "
      "fingerprint = excluded.fingerprint, bound_at = excluded.bound_at, "
      "how = excluded.how");
  CT_TRY(st);
  st->Bind(1, AsciiLower(binding.email))
      .Bind(2, AsciiUpper(binding.fingerprint));
  BindTime(*st, 3, binding.bound_at);
  st->Bind(4, binding.how);
  return st->Run();
}

Result<std::optional<BindingRecord>> KeyRepo::Find(const std::string& email) {
  Result<Statement> st = db_.Prepare(
      "SELECT email, fingerprint, bound_at, how FROM bindings WHERE email = "
      "?1");
  CT_TRY(st);
  Result<bool> row = st->Bind(1, AsciiLower(email)).Step();
  CT_TRY(row);
  if (!*row) return std::nullopt;
  return ReadBinding(*st);
}

Result<std::vector<BindingRecord>> KeyRepo::All() {
  Result<Statement> st = db_.Prepare(
      "SELECT email, fingerprint, bound_at, how FROM bindings ORDER BY email");
  CT_TRY(st);
  return internal::CollectRows<BindingRecord>(*st, ReadBinding);
}

// Why seen signatures are kept forever: a signature may be accepted as long
// as it is younger than gpg.max_signature_age_days, in any order (mail is
// delivered out of order), so its record is the only thing that stops a
// replay within that window; a record dropped early would let the same
// signed command apply twice. Kept past the window as well, because the
// operator may widen the window later and a row costs ~150 bytes per
// signed message ever received.
Result<bool> KeyRepo::RememberSignature(const std::string& sig_digest,
                                        const std::string& fingerprint,
                                        core::Time made, core::Time seen) {
  // Only a clash on the digest is "seen before"; any other constraint
  // failure is still an error.
  Result<Statement> st = db_.Prepare(
      "INSERT INTO seen_signatures (digest, fingerprint, made, seen) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (digest) DO NOTHING");
  CT_TRY(st);
  st->Bind(1, sig_digest).Bind(2, AsciiUpper(fingerprint));
  BindTime(*st, 3, made);
  BindTime(*st, 4, seen);
  CT_TRY(st->Run());
  return db_.Changes() == 1;
}

Result<void> KeyRepo::MarkAccepted(const std::string& sig_digest) {
  Result<Statement> st =
      db_.Prepare("UPDATE seen_signatures SET accepted = 1 WHERE digest = ?1");
  CT_TRY(st);
  CT_TRY(st->Bind(1, sig_digest).Run());
  if (db_.Changes() != 1)
    return Fail(ErrorKind::kNotFound, "no remembered signature " + sig_digest);
  return {};
}

}  // namespace ct::store
