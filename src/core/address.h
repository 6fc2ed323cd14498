// RFC 5322 address fields (From, To, outbox.from): the mailboxes of an
// address list, with comments, quoted display names, angle-addrs and
// groups. Read by hand rather than with vmime because vmime 0.9.2 misreads
// them: "(c) bob@example.test" gives the address "\" ob\"@example.test", a
// bare word gets the local host name appended, an unclosed "<" is accepted.
// Pure: no I/O. (In the core because offers, the configuration and the mail
// stage all read addresses.)
#ifndef CYBERTROC_CORE_ADDRESS_H_
#define CYBERTROC_CORE_ADDRESS_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ct::core {

struct Mailbox {
  // The phrase before "<…>", quotes and escapes undone, comments dropped,
  // encoded-words left as they are; "" when there is none.
  std::string display_name;
  std::string address;  // local@domain, lower case
};

struct AddressList {
  std::vector<Mailbox> mailboxes;  // a group's members included
  int groups = 0;                  // "name: …;" groups seen
};

// Reads an address-list. kInvalidInput with a reason meant for a person
// ("unclosed comment", "no address in 'Bob'", "a quoted local part is not
// supported", ...) when any part of it cannot be read. Addresses longer than
// kMaxAddressOctets, domain literals ("[192.0.2.1]") and source routes
// are refused.
Result<AddressList> ParseAddressList(std::string_view value);

// Exactly one mailbox, outside any group: the sender of a message, our own
// outbox.from. kInvalidInput otherwise ("2 addresses, expected one", ...).
Result<Mailbox> ParseMailbox(std::string_view value);

// The address of ParseMailbox(value), or "" when there is no single usable
// one.
std::string AddressOf(std::string_view value);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_ADDRESS_H_
