// A message's place in the import order, released however its examination
// ends.
#ifndef CYBERTROC_VERIFY_IMPORT_TICKET_H_
#define CYBERTROC_VERIFY_IMPORT_TICKET_H_

#include <cstdint>

#include "verify/import_order.h"

namespace ct::verify {

// Marks a message's import as over, however its examination ends (an
// exception included), so that later verifications never wait for it.
class ImportTicket {
 public:
  ImportTicket(ImportOrder& order, uint64_t seq) : order_(order), seq_(seq) {}
  ImportTicket(const ImportTicket&) = delete;
  ImportTicket& operator=(const ImportTicket&) = delete;
  ~ImportTicket() { Done(); }

  void Done() {
    if (!done_) order_.Imported(seq_);
    done_ = true;
  }

 private:
  ImportOrder& order_;
  uint64_t seq_;
  bool done_ = false;
};

}  // namespace ct::verify

#endif  // CYBERTROC_VERIFY_IMPORT_TICKET_H_
