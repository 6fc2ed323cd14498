#include "store_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "store/deal_repo.h"

namespace ct::store::fixture {

Time At(int64_t seconds) { return Time(std::chrono::seconds(seconds)); }
Money Cents(int64_t minor) { return Money::FromMinor(minor); }

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "ct-store-XXXXXX").string();
  path_ = ::mkdtemp(pattern.data());
}

TempDir::~TempDir() { std::filesystem::remove_all(path_); }

int FileMode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 0777);
}

core::Deal MakeDeal(const std::string& id, int64_t created) {
  core::Deal deal;
  deal.id = id;
  deal.case_name = "sale";
  deal.state = "funded";
  deal.lang = "fr";
  deal.delivery = "hand";
  deal.texts = {{"item", "Kind of Blue, CD, mint"}, {"tracking", "6A123"}};
  deal.amounts = {
      {"price", Cents(2500)}, {"shipping", Cents(500)}, {"bond", Cents(3000)}};
  deal.parties = {
      {"seller",
       "alice@example.org",
       Cents(3025),
       Cents(25),
       Cents(3025),
       {"shipped"},
       0},
      {"buyer",
       "bob@example.org",
       Cents(6025),
       Cents(25),
       Cents(6100),
       {"paid", "satisfied"},
       3},
  };
  deal.funded = true;
  deal.paid_in = Cents(9125);
  deal.paid_out = Cents(50);
  deal.created = At(created);
  deal.state_entered = At(created + 3600);
  deal.deadline = At(created + 7 * kDay);
  deal.reminders_fired = 1;
  deal.proposal = core::Proposal{
      "buyer", {{"seller", Cents(4000)}, {"buyer", Cents(5075)}}};
  return deal;
}

void StoreTest::SetUp() {
  Result<Database> db = Database::Open(":memory:");
  ASSERT_TRUE(db) << db.error().message;
  db_.emplace(std::move(*db));
}

void StoreTest::InsertDeal(const core::Deal& deal) {
  Result<void> r = DealRepo(db()).Insert(deal);
  ASSERT_TRUE(r) << r.error().message;
}

}  // namespace ct::store::fixture
