// The order of key imports between the inbound pipeline's workers: a
// message is verified only once every earlier message has imported the keys
// it offers (verify/shared_keyring.h says why).
#ifndef CYBERTROC_VERIFY_IMPORT_ORDER_H_
#define CYBERTROC_VERIFY_IMPORT_ORDER_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>

namespace ct::verify {

// Orders each verification after the key imports of every earlier message.
class ImportOrder {
 public:
  // Message `seq` (0, 1, 2... in inbox order) has imported the keys it
  // offers, or offers none, or will not be examined.
  void Imported(uint64_t seq);
  // Returns once every message before `seq` has imported, or on Abandon().
  void WaitForEarlier(uint64_t seq);
  // The pipeline stops: nobody waits for messages that will not come.
  void Abandon();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<uint64_t> done_;  // imported, out of order
  uint64_t prefix_ = 0;      // every message before it has imported
  bool abandoned_ = false;
};

}  // namespace ct::verify

#endif  // CYBERTROC_VERIFY_IMPORT_ORDER_H_
