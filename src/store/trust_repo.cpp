#include "store/trust_repo.h"

#include <deque>
#include <set>

#include "store/codec.h"

namespace ct::store {
namespace {

using internal::BindTime;
using internal::ColumnTime;

// "?2, ?3, ..." for `n` values bound from index `first`.
std::string Placeholders(size_t n, int first) {
  std::string out;
  for (size_t i = 0; i < n; ++i)
    out += (i ? ", ?" : "?") + std::to_string(first + static_cast<int>(i));
  return out.empty() ? "NULL" : out;
}

void BindAll(Statement& st, const std::vector<std::string>& values, int first) {
  for (size_t i = 0; i < values.size(); ++i)
    st.Bind(first + static_cast<int>(i), values[i]);
}

RatingRecord ReadRating(const Statement& st) {
  RatingRecord r;
  r.deal_id = st.ColumnText(0);
  r.rater_role = st.ColumnText(1);
  r.rater_fpr = st.ColumnText(2);
  r.rated_email = st.ColumnText(3);
  r.rated_fpr = st.ColumnText(4);
  r.score = static_cast<int>(st.ColumnInt(5));
  r.comment = st.ColumnText(6);
  r.at = ColumnTime(st, 7);
  return r;
}

constexpr std::string_view kRatingColumns =
    "deal_id, rater_role, rater_fpr, rated_email, rated_fpr, score, comment, "
    "at";

void Count(core::ReputationSummary& s, const std::string& kind,
           const std::string& role, int n) {
  if (kind == "funded") s.funded += n;
  if (kind == "refunded") s.returned += n;
  if (kind == "disputed") s.disputed += n;
  if (kind == "settled") s.settled += n;
  if (kind == "expired") s.expired += n;
  if (kind == "default") s.defaults += n;
  if (kind != "completed") return;
  s.completed += n;
  if (role == "seller") s.completed_as_seller += n;
  if (role == "buyer") s.completed_as_buyer += n;
  if (role == "a") s.completed_as_a += n;
  if (role == "b") s.completed_as_b += n;
}

}  // namespace

Result<void> ModeratorRepo::Put(const ModeratorRecord& m) {
  auto st = db_.Prepare(
      "INSERT OR REPLACE INTO moderators (email, fingerprint, fee_bp, lang, "
      "added) VALUES (?1, ?2, ?3, ?4, ?5)");
  CT_TRY(st);
  st->Bind(1, m.email).Bind(2, m.fingerprint).Bind(3, m.fee_bp).Bind(4, m.lang);
  BindTime(*st, 5, m.added);
  return st->Run();
}

Result<std::vector<ModeratorRecord>> ModeratorRepo::All() {
  auto st = db_.Prepare(
      "SELECT email, fingerprint, fee_bp, lang, added FROM moderators "
      "ORDER BY email");
  CT_TRY(st);
  std::vector<ModeratorRecord> out;
  for (;;) {
    auto row = st->Step();
    CT_TRY(row);
    if (!*row) return out;
    out.push_back({st->ColumnText(0), st->ColumnText(1), st->ColumnInt(2),
                   st->ColumnText(3), ColumnTime(*st, 4)});
  }
}

Result<std::optional<ModeratorRecord>> ModeratorRepo::Find(
    const std::string& email) {
  auto all = All();
  CT_TRY(all);
  for (auto& m : *all)
    if (m.email == email) return std::optional<ModeratorRecord>(m);
  return std::optional<ModeratorRecord>();
}

Result<bool> ModeratorRepo::Remove(const std::string& email) {
  auto found = Find(email);
  CT_TRY(found);
  if (!*found) return false;
  auto st = db_.Prepare("DELETE FROM moderators WHERE email = ?1");
  CT_TRY(st);
  st->Bind(1, email);
  CT_TRY(st->Run());
  return true;
}

Result<void> ReputationRepo::AddFact(const ReputationFact& f) {
  auto st = db_.Prepare(
      "INSERT INTO reputation_facts (deal_id, email, fingerprint, role, kind, "
      "at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
      "ON CONFLICT (deal_id, email, kind) DO NOTHING");
  CT_TRY(st);
  st->Bind(1, f.deal_id).Bind(2, f.email).Bind(3, f.fingerprint);
  st->Bind(4, f.role).Bind(5, f.kind);
  BindTime(*st, 6, f.at);
  return st->Run();
}

Result<std::optional<std::string>> ReputationRepo::DealFingerprint(
    const std::string& deal_id, const std::string& email) {
  auto st = db_.Prepare(
      "SELECT fingerprint FROM reputation_facts WHERE deal_id = ?1 AND "
      "email = ?2 ORDER BY at, rowid LIMIT 1");
  CT_TRY(st);
  st->Bind(1, deal_id).Bind(2, email);
  auto row = st->Step();
  CT_TRY(row);
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->ColumnText(0));
}

Result<bool> ReputationRepo::AddRating(const RatingRecord& r) {
  auto st = db_.Prepare("INSERT INTO ratings (" + std::string(kRatingColumns) +
                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                        "ON CONFLICT (deal_id, rater_role) DO NOTHING");
  CT_TRY(st);
  st->Bind(1, r.deal_id).Bind(2, r.rater_role).Bind(3, r.rater_fpr);
  st->Bind(4, r.rated_email).Bind(5, r.rated_fpr).Bind(6, int64_t{r.score});
  st->Bind(7, r.comment);
  BindTime(*st, 8, r.at);
  CT_TRY(st->Run());
  auto changes = db_.Prepare("SELECT changes()");
  CT_TRY(changes);
  auto row = changes->Step();
  CT_TRY(row);
  return *row && changes->ColumnInt(0) > 0;
}

Result<std::vector<RatingRecord>> ReputationRepo::RatingsOf(
    const std::string& deal_id) {
  auto st = db_.Prepare("SELECT " + std::string(kRatingColumns) +
                        " FROM ratings WHERE deal_id = ?1 ORDER BY at");
  CT_TRY(st);
  st->Bind(1, deal_id);
  std::vector<RatingRecord> out;
  for (;;) {
    auto row = st->Step();
    CT_TRY(row);
    if (!*row) return out;
    out.push_back(ReadRating(*st));
  }
}

Result<std::vector<RatingRecord>> ReputationRepo::RatingsReceived(
    const std::vector<std::string>& fprs) {
  auto st = db_.Prepare("SELECT " + std::string(kRatingColumns) +
                        " FROM ratings WHERE rated_fpr IN (" +
                        Placeholders(fprs.size(), 1) + ") ORDER BY at");
  CT_TRY(st);
  BindAll(*st, fprs, 1);
  std::vector<RatingRecord> out;
  for (;;) {
    auto row = st->Step();
    CT_TRY(row);
    if (!*row) return out;
    out.push_back(ReadRating(*st));
  }
}

Result<core::ReputationSummary> ReputationRepo::Summarize(
    const std::vector<std::string>& fprs, const std::string& email) {
  core::ReputationSummary s;
  s.fingerprints = fprs;
  const std::string in = Placeholders(fprs.size(), 2);
  auto facts = db_.Prepare(
      "SELECT kind, role, COUNT(DISTINCT deal_id), MIN(at) FROM "
      "reputation_facts WHERE fingerprint IN (" +
      in + ") OR (fingerprint = '' AND email = ?1) GROUP BY kind, role");
  CT_TRY(facts);
  facts->Bind(1, email);
  BindAll(*facts, fprs, 2);
  for (;;) {
    auto row = facts->Step();
    CT_TRY(row);
    if (!*row) break;
    const std::string kind = facts->ColumnText(0);
    Count(s, kind, facts->ColumnText(1), static_cast<int>(facts->ColumnInt(2)));
    const core::Time first = ColumnTime(*facts, 3);
    if (kind == "funded" && (!s.since || first < *s.since)) s.since = first;
  }
  auto ratings = db_.Prepare(
      "SELECT score, COUNT(*) FROM ratings WHERE rated_fpr IN (" + in +
      ") OR (rated_fpr = '' AND rated_email = ?1) GROUP BY score");
  CT_TRY(ratings);
  ratings->Bind(1, email);
  BindAll(*ratings, fprs, 2);
  for (;;) {
    auto row = ratings->Step();
    CT_TRY(row);
    if (!*row) return s;
    const int n = static_cast<int>(ratings->ColumnInt(1));
    const int64_t score = ratings->ColumnInt(0);
    (score > 0 ? s.plus : score < 0 ? s.minus : s.neutral) += n;
  }
}

Result<void> ReputationRepo::Link(const std::string& old_fpr,
                                  const std::string& new_fpr, core::Time at) {
  auto st = db_.Prepare(
      "INSERT OR REPLACE INTO key_links (old_fpr, new_fpr, linked_at) "
      "VALUES (?1, ?2, ?3)");
  CT_TRY(st);
  st->Bind(1, old_fpr).Bind(2, new_fpr);
  BindTime(*st, 3, at);
  return st->Run();
}

Result<std::vector<std::string>> ReputationRepo::LinkedKeys(
    const std::string& fpr) {
  std::vector<std::string> keys = {fpr};
  std::set<std::string> seen = {fpr};
  std::deque<std::string> todo = {fpr};
  auto st = db_.Prepare("SELECT old_fpr FROM key_links WHERE new_fpr = ?1");
  CT_TRY(st);
  while (!todo.empty()) {
    st->Reset().Bind(1, todo.front());
    todo.pop_front();
    for (;;) {
      auto row = st->Step();
      CT_TRY(row);
      if (!*row) break;
      std::string old = st->ColumnText(0);
      if (seen.insert(old).second) {
        keys.push_back(old);
        todo.push_back(old);
      }
    }
  }
  return keys;
}

}  // namespace ct::store
