// First look at an incoming message, before any cryptography: mail that
// must never be answered (RFC 3834: bounces, auto-replies, lists, our own
// loops). Pure, headers only.
#ifndef CYBERTROC_APP_INBOUND_SCREEN_H_
#define CYBERTROC_APP_INBOUND_SCREEN_H_

#include <string>

#include "mail/compose.h"
#include "mail/mime.h"

namespace ct::app {

using mail::kLoopHeader;

struct Screening {
  bool never_answer = false;  // bounce, auto-reply, list, loop
  std::string why;            // for the inbox outcome
};

// `our_address` is outbox.from's address: mail from ourselves is a loop.
Screening Screen(const mail::Entity& root, const std::string& our_address);

}  // namespace ct::app

#endif  // CYBERTROC_APP_INBOUND_SCREEN_H_
