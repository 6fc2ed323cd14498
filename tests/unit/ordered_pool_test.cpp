// app::OrderedPool, the workers of the outbox: items are
// transformed on several threads, each thread always with its own state,
// and taken back in the order they were submitted, whatever order the
// threads finish in.
#include "app/base/ordered_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

using ct::app::OrderedPool;

// A worker's own state: which threads used it, and whether two did at once.
struct State {
  std::set<std::thread::id> threads;
  std::atomic<int> users{0};
  bool shared = false;
  State() = default;
  State(State&& other) noexcept : threads(std::move(other.threads)) {}
};

struct Item {
  int n = 0;
  int result = 0;
};

// Later items finish first: without the ordering, Take would see them first.
void SlowFirst(State& state, Item& item) {
  if (state.users.fetch_add(1) != 0) state.shared = true;
  state.threads.insert(std::this_thread::get_id());
  std::this_thread::sleep_for(
      std::chrono::milliseconds(item.n % 4 == 0 ? 8 : 0));
  item.result = item.n * item.n;
  state.users.fetch_sub(1);
}

TEST(OrderedPool, ResultsComeBackInSubmissionOrder) {
  std::vector<State> states(3);
  {
    OrderedPool<State, Item> pool(std::move(states), SlowFirst);
    // A window of 6 in hand, as the sender keeps, over 200 items.
    int submitted = 0;
    for (int taken = 0; taken < 200; ++taken) {
      while (submitted < 200 && pool.InFlight() < 6)
        pool.Submit(Item{submitted++, 0});
      Item item = pool.Take();
      ASSERT_EQ(item.n, taken);
      ASSERT_EQ(item.result, taken * taken);
    }
    EXPECT_EQ(pool.InFlight(), 0u);
  }
}

TEST(OrderedPool, EachStateBelongsToOneThread) {
  std::mutex mutex;
  std::map<const State*, std::set<std::thread::id>> users;
  bool shared = false;
  {
    std::vector<State> states(2);
    OrderedPool<State, Item> pool(
        std::move(states), [&](State& state, Item& item) {
          SlowFirst(state, item);
          std::lock_guard lock(mutex);
          users[&state].insert(std::this_thread::get_id());
          shared = shared || state.shared;
        });
    for (int i = 0; i < 40; ++i) pool.Submit(Item{i, 0});
    for (int i = 0; i < 40; ++i) pool.Take();
  }
  EXPECT_FALSE(shared) << "a state used by two threads at once";
  EXPECT_LE(users.size(), 2u);
  std::set<std::thread::id> threads;
  for (const auto& [state, used_by] : users) {
    EXPECT_EQ(used_by.size(), 1u) << "a state used by two threads";
    threads.insert(used_by.begin(), used_by.end());
  }
  EXPECT_EQ(threads.size(), users.size());
}

TEST(OrderedPool, AnExceptionReachesTakeInItsPlace) {
  std::vector<int> states(2);
  OrderedPool<int, Item> pool(std::move(states), [](int&, Item& item) {
    if (item.n == 2) throw std::runtime_error("item 2");
    item.result = item.n;
  });
  for (int i = 0; i < 5; ++i) pool.Submit(Item{i, 0});
  EXPECT_EQ(pool.Take().n, 0);
  EXPECT_EQ(pool.Take().n, 1);
  EXPECT_THROW(pool.Take(), std::runtime_error);
  EXPECT_EQ(pool.Take().n, 3);
  EXPECT_EQ(pool.Take().n, 4);
}

TEST(OrderedPool, DestroyedWithWorkLeftDropsWhatHasNotStarted) {
  std::atomic<int> ran{0};
  const auto start = std::chrono::steady_clock::now();
  {
    std::vector<int> states(2);
    OrderedPool<int, Item> pool(std::move(states), [&](int&, Item&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      ++ran;
    });
    for (int i = 0; i < 1000; ++i) pool.Submit(Item{i, 0});
    pool.Take();
  }
  EXPECT_LT(ran.load(), 10) << "items not started are dropped";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
