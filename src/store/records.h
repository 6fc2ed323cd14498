// Rows the store reads and writes besides the deal itself. Plain structs; the
// repositories in store/*.h own the SQL.
#ifndef CYBERTROC_STORE_RECORDS_H_
#define CYBERTROC_STORE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/money.h"
#include "core/time.h"

namespace ct::store {

// Append-only history of a deal: one row per accepted or refused command,
// per deadline or reminder fired.
struct EventRecord {
  int64_t id = 0;
  std::string deal_id;
  core::Time at{};
  int code = 0;             // protocol code or core::code::kTimeout...
  std::string actor;        // role, "operator", "timer"
  std::string actor_email;  // who, when known
  std::string from_state;
  std::string to_state;
  bool refused = false;
  std::string detail;       // refusal reason, tracking text, amounts...
  std::string message_ref;  // Message-ID of the mail that caused it, or "cli"
};

struct LedgerRecord {
  int64_t id = 0;
  std::string deal_id;
  core::Time at{};
  std::string kind;  // deposit | commission | payout
  std::string role;
  core::Money amount;
  std::string reason;
  std::string reference;
  int64_t event_id = 0;
};

struct PayoutRecord {
  int64_t id = 0;
  std::string deal_id;
  core::Time created{};
  std::string payee_role;  // role or "operator"
  std::string payee_email;
  core::Money amount;
  std::string currency;
  std::string reason;
  std::string status = "pending";  // pending | done
  std::string done_ref;
  std::optional<core::Time> done_at;
};

// A file sent with an outgoing message (the EPC QR code of a deposit
// request).
struct AttachmentRecord {
  std::string filename;      // "epc-qr.png"
  std::string content_type;  // "image/png"
  std::string data;          // the bytes
};

// One outgoing message, queued in the same transaction as the change that
// caused it and sent later by the outbox sender.
struct OutboxRecord {
  int64_t id = 0;
  std::string deal_id;  // may be empty (help, unsigned-mail explanation)
  core::Time created{};
  std::string to_email;
  std::string to_role;
  std::string lang;
  std::string kind;       // "reply" (auto-replied) | "notice" (timer)
  std::string templates;  // comma-separated template names
  std::string subject;
  std::string body;               // rendered text (UTF-8)
  std::string in_reply_to;        // Message-ID of the mail that caused it
  std::string status = "queued";  // queued | sent | failed | gave_up
  int attempts = 0;
  std::optional<core::Time> next_attempt;
  std::string last_error;
  std::optional<core::Time> sent_at;
  std::string message_id;  // ours, once built
  // Stored by Enqueue; read back by Due (the sender), not by OfDeal.
  std::vector<AttachmentRecord> attachments;
};

struct BindingRecord {
  std::string email;        // lower case
  std::string fingerprint;  // primary key fingerprint, upper-case hex
  core::Time bound_at{};
  std::string how;  // tofu | import | operator
};

// A fetched message, stored before it is acknowledged on the server.
struct InboxRecord {
  int64_t id = 0;
  std::string source;      // inbox url without password
  std::string server_uid;  // UIDVALIDITY:UID, POP3 UIDL or maildir name
  std::string message_id;
  std::string digest;  // sha256 of the raw bytes, hex
  core::Time fetched{};
  std::string raw;  // exact bytes
  std::string status =
      "new";            // new | processed | refused | quarantined | ignored
  std::string outcome;  // what happened, for people
  std::string deal_id;
  int attempts = 0;        // failures charged to it (app/inbound/attempts.h)
  std::string last_error;  // why the last attempt did not finish ("" if none)
};

struct QuarantineRecord {
  int64_t id = 0;
  int64_t inbox_id = 0;
  std::string message_id;
  std::string from_addr;
  std::string reason;
  core::Time at{};
};

}  // namespace ct::store

#endif  // CYBERTROC_STORE_RECORDS_H_
