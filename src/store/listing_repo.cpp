// ListingRepo (store/listing_repo.h). Search words reach SQLite only as a
// bound FTS5 expression that core::FtsQuery built with every word quoted:
// they are never SQL, nor FTS5 operators.
#include "store/listing_repo.h"

#include <string>
#include <utility>
#include <vector>

#include "store/codec.h"

namespace ct::store {
namespace {

using internal::BindMoney;
using internal::BindTextOrNull;
using internal::BindTime;
using internal::CollectRows;
using internal::ColumnMoney;
using internal::ColumnTime;

constexpr std::string_view kColumns = R"sql(
  l.id, l.case_name, l.state, l.lister, l.title, l.wants, l.tags, l.amount,
  l.shipping, l.delivery, l.lang, l.created, l.expires, l.reminded,
  coalesce(l.deal_id, ''), coalesce(l.locked_to, ''))sql";

constexpr std::string_view kInsert = R"sql(
INSERT INTO listings (id, case_name, state, lister, title, wants, tags,
  amount, shipping, delivery, lang, created, expires, reminded, deal_id,
  locked_to, updated)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
  ?16, ?12))sql";

constexpr std::string_view kUpdate = R"sql(
UPDATE listings SET state = ?2, reminded = ?3, deal_id = ?4, locked_to = ?5,
  updated = CAST(strftime('%s', 'now') AS INTEGER)
WHERE id = ?1)sql";

core::Listing ReadListing(const Statement& st) {
  core::Listing l;
  l.id = st.ColumnText(0);
  l.case_name = st.ColumnText(1);
  l.state = st.ColumnText(2);
  l.lister = st.ColumnText(3);
  l.title = st.ColumnText(4);
  l.wants = st.ColumnText(5);
  l.tags = st.ColumnText(6);
  l.amount = ColumnMoney(st, 7);
  l.shipping = ColumnMoney(st, 8);
  l.delivery = st.ColumnText(9);
  l.lang = st.ColumnText(10);
  l.created = ColumnTime(st, 11);
  l.expires = ColumnTime(st, 12);
  l.reminded = st.ColumnInt(13) != 0;
  l.deal_id = st.ColumnText(14);
  l.locked_to = st.ColumnText(15);
  return l;
}

std::string Select(std::string_view rest) {
  return "SELECT " + std::string(kColumns) + " FROM listings l " +
         std::string(rest);
}

Result<std::vector<std::string>> Texts(Statement& st) {
  return CollectRows<std::string>(
      st, [](const Statement& row) { return row.ColumnText(0); });
}

}  // namespace

Result<void> ListingRepo::Insert(const core::Listing& l) {
  Result<Statement> st = db_.Prepare(kInsert);
  CT_TRY(st);
  st->Bind(1, l.id).Bind(2, l.case_name).Bind(3, l.state).Bind(4, l.lister);
  st->Bind(5, l.title).Bind(6, l.wants).Bind(7, l.tags);
  BindMoney(*st, 8, l.amount);
  BindMoney(*st, 9, l.shipping);
  st->Bind(10, l.delivery).Bind(11, l.lang);
  BindTime(*st, 12, l.created);
  BindTime(*st, 13, l.expires);
  st->Bind(14, int64_t{l.reminded ? 1 : 0});
  BindTextOrNull(*st, 15, l.deal_id);
  BindTextOrNull(*st, 16, l.locked_to);
  CT_TRY(st->Run());
  Result<Statement> words = db_.Prepare(
      "INSERT INTO listing_words (id, title, wants, tags) "
      "VALUES (?1, ?2, ?3, ?4)");
  CT_TRY(words);
  words->Bind(1, l.id).Bind(2, l.title).Bind(3, l.wants).Bind(4, l.tags);
  return words->Run();
}

Result<void> ListingRepo::Update(const core::Listing& l) {
  Result<Statement> st = db_.Prepare(kUpdate);
  CT_TRY(st);
  st->Bind(1, l.id).Bind(2, l.state).Bind(3, int64_t{l.reminded ? 1 : 0});
  BindTextOrNull(*st, 4, l.deal_id);
  BindTextOrNull(*st, 5, l.locked_to);
  CT_TRY(st->Run());
  if (db_.Changes() != 1)
    return Fail(ErrorKind::kNotFound, "unknown listing " + l.id);
  return {};
}

Result<core::Listing> ListingRepo::Load(const std::string& id) {
  Result<Statement> st = db_.Prepare(Select("WHERE l.id = ?1"));
  CT_TRY(st);
  Result<bool> row = st->Bind(1, id).Step();
  CT_TRY(row);
  if (!*row) return Fail(ErrorKind::kNotFound, "unknown listing " + id);
  return ReadListing(*st);
}

Result<bool> ListingRepo::Exists(const std::string& id) {
  Result<Statement> st = db_.Prepare("SELECT 1 FROM listings WHERE id = ?1");
  CT_TRY(st);
  return st->Bind(1, id).Step();
}

Result<int> ListingRepo::CountActive(const std::string& lister) {
  Result<Statement> st = db_.Prepare(
      "SELECT count(*) FROM listings WHERE lister = ?1 "
      "AND state IN ('open', 'locked')");
  CT_TRY(st);
  Result<bool> row = st->Bind(1, lister).Step();
  CT_TRY(row);
  return static_cast<int>(st->ColumnInt(0));
}

Result<std::vector<core::Listing>> ListingRepo::List(const std::string& state) {
  Result<Statement> st = db_.Prepare(
      Select(state.empty() ? "ORDER BY l.created, l.id"
                           : "WHERE l.state = ?1 ORDER BY l.created, l.id"));
  CT_TRY(st);
  if (!state.empty()) st->Bind(1, state);
  return CollectRows<core::Listing>(*st, ReadListing);
}

Result<std::vector<core::Listing>> ListingRepo::Search(
    const core::SearchQuery& query, size_t limit, core::Time now) {
  const std::string match = core::FtsQuery(query.words);
  // ?1 case ("" = any), ?2 max amount (-1 = none), ?3 limit, ?4 the MATCH.
  const std::string filters =
      "l.state = 'open' AND l.expires > ?5 AND (?1 = '' OR l.case_name = ?1) "
      "AND (?2 < 0 OR l.amount <= ?2) ";
  const std::string sql =
      match.empty()
          ? Select("WHERE " + filters +
                   "ORDER BY l.created DESC, l.id LIMIT ?3")
          : "SELECT " + std::string(kColumns) +
                " FROM listing_words w JOIN listings l ON l.id = w.id "
                "WHERE listing_words MATCH ?4 AND " +
                filters + "ORDER BY w.rank, l.created DESC LIMIT ?3";
  Result<Statement> st = db_.Prepare(sql);
  CT_TRY(st);
  st->Bind(1, query.case_name);
  st->Bind(2, query.max ? query.max->minor() : int64_t{-1});
  st->Bind(3, static_cast<int64_t>(limit));
  if (!match.empty()) st->Bind(4, match);
  BindTime(*st, 5, now);
  return CollectRows<core::Listing>(*st, ReadListing);
}

Result<std::vector<std::string>> ListingRepo::TimerCandidates(core::Time now) {
  Result<Statement> st = db_.Prepare(
      "SELECT id FROM listings WHERE state = 'open' AND (expires <= ?1 OR "
      "(reminded = 0 AND expires <= ?2)) ORDER BY expires, id");
  CT_TRY(st);
  BindTime(*st, 1, now);
  BindTime(*st, 2, now + core::Days(core::kListingReminderDays));
  return Texts(*st);
}

Result<void> ListingRepo::AddInterest(const InterestRecord& interest) {
  Result<bool> already = IsInterested(interest.listing_id, interest.email);
  CT_TRY(already);
  if (*already)
    return Fail(
        ErrorKind::kInvalidInput,
        interest.email + " is already interested in " + interest.listing_id);
  Result<Statement> st = db_.Prepare(
      "INSERT INTO listing_interest (listing_id, email, note, at) "
      "VALUES (?1, ?2, ?3, ?4)");
  CT_TRY(st);
  st->Bind(1, interest.listing_id).Bind(2, interest.email);
  st->Bind(3, interest.note);
  BindTime(*st, 4, interest.at);
  return st->Run();
}

Result<std::vector<InterestRecord>> ListingRepo::Interests(
    const std::string& listing_id) {
  Result<Statement> st = db_.Prepare(
      "SELECT listing_id, email, note, at FROM listing_interest "
      "WHERE listing_id = ?1 ORDER BY at, email");
  CT_TRY(st);
  st->Bind(1, listing_id);
  return CollectRows<InterestRecord>(*st, [](const Statement& row) {
    return InterestRecord{row.ColumnText(0), row.ColumnText(1),
                          row.ColumnText(2), ColumnTime(row, 3)};
  });
}

Result<bool> ListingRepo::IsInterested(const std::string& listing_id,
                                       const std::string& email) {
  Result<Statement> st = db_.Prepare(
      "SELECT 1 FROM listing_interest WHERE listing_id = ?1 AND email = ?2");
  CT_TRY(st);
  return st->Bind(1, listing_id).Bind(2, email).Step();
}

Result<void> ListingRepo::LinkDeal(const std::string& deal_id,
                                   const std::string& listing_id) {
  Result<Statement> st = db_.Prepare(
      "INSERT INTO listing_deals (deal_id, listing_id) VALUES (?1, ?2)");
  CT_TRY(st);
  return st->Bind(1, deal_id).Bind(2, listing_id).Run();
}

Result<std::optional<std::string>> ListingRepo::ListingOfDeal(
    const std::string& deal_id) {
  Result<Statement> st =
      db_.Prepare("SELECT listing_id FROM listing_deals WHERE deal_id = ?1");
  CT_TRY(st);
  Result<bool> row = st->Bind(1, deal_id).Step();
  CT_TRY(row);
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->ColumnText(0));
}

Result<std::vector<std::string>> ListingRepo::DealsOf(
    const std::string& listing_id) {
  Result<Statement> st = db_.Prepare(
      "SELECT d.deal_id FROM listing_deals d JOIN deals ON deals.id = "
      "d.deal_id WHERE d.listing_id = ?1 ORDER BY deals.created, d.deal_id");
  CT_TRY(st);
  st->Bind(1, listing_id);
  return Texts(*st);
}

}  // namespace ct::store
