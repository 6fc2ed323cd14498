// KeyRepo: key bindings (TOFU) and the signatures already seen (replay).
#include "store/key_repo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/database.h"
#include "store/records.h"
#include "store/schema.h"
#include "store_fixture.h"

namespace ct::store {
namespace {

using namespace fixture;  // NOLINT: the fixture is the tests' vocabulary

TEST_F(StoreTest, BindingsAreCaseInsensitive) {
  KeyRepo keys(db());
  ASSERT_TRUE(keys.Bind({"Alice@Example.ORG", "abcd1234", At(kT0), "tofu"}));
  Result<std::optional<BindingRecord>> found = keys.Find("ALICE@example.org");
  ASSERT_TRUE(found && found->has_value());
  EXPECT_EQ((*found)->email, "alice@example.org");
  EXPECT_EQ((*found)->fingerprint, "ABCD1234");
  // Rebinding replaces, never duplicates.
  ASSERT_TRUE(
      keys.Bind({"alice@example.org", "FFFF", At(kT0 + 1), "operator"}));
  Result<std::vector<BindingRecord>> all = keys.All();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->at(0).fingerprint, "FFFF");
  EXPECT_EQ(all->at(0).how, "operator");
  EXPECT_FALSE(keys.Find("nobody@example.org")->has_value());
}

TEST_F(StoreTest, SignatureReplayIsDetected) {
  KeyRepo keys(db());
  struct Case {
    std::string digest;
    int64_t made;
    bool want_new;
  };
  // Out of signing order (sig-3 made before sig-2) is no replay; the same
  // digest again is, whenever it comes back.
  for (const Case& c : std::vector<Case>{{"sig-1", kT0, true},
                                         {"sig-2", kT0 + 50, true},
                                         {"sig-1", kT0, false},
                                         {"sig-3", kT0 + 20, true},
                                         {"sig-2", kT0 + 50, false}}) {
    Result<bool> fresh =
        keys.RememberSignature(c.digest, "abcd", At(c.made), At(kT0 + 100));
    ASSERT_TRUE(fresh) << fresh.error().message;
    EXPECT_EQ(*fresh, c.want_new) << c.digest;
  }
  ASSERT_TRUE(keys.MarkAccepted("sig-1"));
  ASSERT_TRUE(keys.MarkAccepted("sig-3"));
  EXPECT_FALSE(keys.MarkAccepted("sig-unknown"));
  // An accepted signature is still a replay afterwards.
  Result<bool> again =
      keys.RememberSignature("sig-3", "ABCD", At(kT0 + 20), At(kT0 + 9 * kDay));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

}  // namespace
}  // namespace ct::store
