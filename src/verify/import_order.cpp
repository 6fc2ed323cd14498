#include "verify/import_order.h"

namespace ct::verify {

void ImportOrder::Imported(uint64_t seq) {
  {
    std::lock_guard lock(mutex_);
    done_.insert(seq);
    while (!done_.empty() && *done_.begin() == prefix_) {
      done_.erase(done_.begin());
      ++prefix_;
    }
  }
  changed_.notify_all();
}

void ImportOrder::WaitForEarlier(uint64_t seq) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return prefix_ >= seq || abandoned_; });
}

void ImportOrder::Abandon() {
  {
    std::lock_guard lock(mutex_);
    abandoned_ = true;
  }
  changed_.notify_all();
}

}  // namespace ct::verify
