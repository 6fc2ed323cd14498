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
// are refused. Every address comes out in the canonical form of
// NormalizeAddress.
Result<AddressList> ParseAddressList(std::string_view value);

// Exactly one mailbox, outside any group: the sender of a message, our own
// outbox.from. kInvalidInput otherwise ("2 addresses, expected one", ...).
Result<Mailbox> ParseMailbox(std::string_view value);

// The address of ParseMailbox(value), or "" when there is no single usable
// one.
std::string AddressOf(std::string_view value);

// The canonical form of one address written alone (an offer's buyer:, with:,
// referrer:, moderator:, "CL-… 08 EMAIL", --buyer, moderators add): the
// one spelling that every spelling of a mailbox gives, so that comparing
// addresses compares mailboxes (docs/protocol.md, "Addresses"):
// - lower case (ASCII), local part included, as everywhere here;
// - a quoted local part that needs no quotes unquoted ("escrow"@x);
// - the final dot of an absolute domain dropped (escrow@example.test.).
// kInvalidInput with the reason for anything else: a name or "<…>" around
// it, a quoted local part that needs its quotes, and a domain literal
// ("[127.0.0.1]", "[IPv6:::1]"): it reaches a host, not a person, and no
// rule here could tell it from our own host.
Result<std::string> NormalizeAddress(std::string_view text);

// Our own mailboxes, canonical: the escrow's (outbox.from) and the
// operator's (outbox.operator).
struct OwnAddresses {
  std::string escrow;
  std::string operator_address;
};

// Whose of ours `address` (canonical) reaches: the same mailbox once
// "+tag" subaddresses (RFC 5233) are set aside on both sides, since mail
// servers commonly deliver escrow+tag@x to escrow@x.
enum class Owner { kNone, kEscrow, kOperator };
Owner OwnerOf(std::string_view address, const OwnAddresses& own);

// Where an address was written, for the reason of a refusal.
struct AddressField {
  std::string_view name;      // "buyer", "--seller", "moderators add"
  std::string_view role;      // what it would be: "a party of a deal"
  bool for_operator = false;  // the reason names the configuration key
};

// The one rule for every address that a deal or the operator's list of
// moderators names (parties, the listing lock, referrers, moderators; by
// mail and on the command line): NormalizeAddress, then neither the escrow
// nor the operator, who hold the money and judge the deal (and mail to the
// escrow would loop). The canonical address, or kInvalidInput such as
// "buyer: escrow@example.test is the escrow's own address and cannot be a
// party of a deal".
Result<std::string> OutsideAddress(std::string_view text,
                                   const AddressField& field,
                                   const OwnAddresses& own);

}  // namespace ct::core

#endif  // CYBERTROC_CORE_ADDRESS_H_
