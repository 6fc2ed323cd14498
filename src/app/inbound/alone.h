// A suspect message processed alone, in a child process of its own, so that
// only a message that kills the process handling it is charged for it.
#ifndef CYBERTROC_APP_INBOUND_ALONE_H_
#define CYBERTROC_APP_INBOUND_ALONE_H_

#include <cstdint>

#include "app/base/context.h"
#include "app/inbound/process.h"

namespace ct::app {

// Processes stored message `id` in a child process of its own, with
// nothing else in hand: the proof of whether the message itself stops the
// process that works on it. The child commits the outcome as the run would
// (a failure it survives included); a child that dies (a signal, the OOM
// killer, an abort) is charged to the message here. A run killed while
// waiting charges nothing, so that an outside kill never costs an honest
// message. REQUIRES: no other thread running (fork), no open transaction.
Result<void> ProcessAlone(Context& ctx, int64_t id, ProcessReport& report);

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_ALONE_H_
