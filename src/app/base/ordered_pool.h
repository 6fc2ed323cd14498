// Worker threads that each own a state (a GPGME context) and transform
// items in parallel, while the one thread that owns the pool takes the
// results back in the order it submitted the items: the parallel part
// (GnuPG) and the serial part (transport, database) stay apart.
//
// The owner bounds memory itself: it submits no more than it is ready to
// hold (InFlight()). A task that throws hands its exception to Take().
#ifndef CYBERTROC_APP_BASE_ORDERED_POOL_H_
#define CYBERTROC_APP_BASE_ORDERED_POOL_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

namespace ct::app {

template <typename State, typename Item>
class OrderedPool {
 public:
  // Runs `task(state, item)` for each item, on one thread per state.
  using Task = std::function<void(State&, Item&)>;

  OrderedPool(std::vector<State> states, Task task)
      : states_(std::move(states)), task_(std::move(task)) {
    threads_.reserve(states_.size());
    try {
      for (State& state : states_)
        threads_.emplace_back([this, &state] { Work(state); });
    } catch (...) {  // no thread for this one: stop the others
      Stop();
      throw;
    }
  }
  OrderedPool(const OrderedPool&) = delete;
  OrderedPool& operator=(const OrderedPool&) = delete;

  // Items not yet started are dropped; the ones in hand finish first.
  ~OrderedPool() { Stop(); }

  void Submit(Item item) {
    {
      std::lock_guard lock(mutex_);
      todo_.emplace_back(submitted_++, std::move(item));
    }
    work_.notify_one();
  }

  // Submitted and not yet taken.
  size_t InFlight() const {
    std::lock_guard lock(mutex_);
    return submitted_ - taken_;
  }

  // The oldest item not yet taken, once its task has run. REQUIRES:
  // InFlight() > 0.
  Item Take() {
    std::unique_lock lock(mutex_);
    done_cv_.wait(lock, [this] { return done_.contains(taken_); });
    auto node = done_.extract(taken_++);
    lock.unlock();
    if (node.mapped().error) std::rethrow_exception(node.mapped().error);
    return std::move(*node.mapped().item);
  }

 private:
  struct Done {
    std::optional<Item> item;
    std::exception_ptr error;
  };

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      todo_.clear();
    }
    work_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  void Work(State& state) {
    for (;;) {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [this] { return stop_ || !todo_.empty(); });
      if (stop_) return;
      auto [seq, item] = std::move(todo_.front());
      todo_.pop_front();
      lock.unlock();
      Done done;
      try {
        task_(state, item);
        done.item.emplace(std::move(item));
      } catch (...) {
        done.error = std::current_exception();
      }
      lock.lock();
      done_.emplace(seq, std::move(done));
      lock.unlock();
      done_cv_.notify_one();
    }
  }

  std::vector<State> states_;  // never resized: threads hold references
  Task task_;
  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::condition_variable done_cv_;
  std::deque<std::pair<uint64_t, Item>> todo_;
  std::map<uint64_t, Done> done_;
  uint64_t submitted_ = 0;
  uint64_t taken_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ct::app

#endif  // CYBERTROC_APP_BASE_ORDERED_POOL_H_
