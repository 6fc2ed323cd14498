// The expected outcome of one case of the inbound-mail corpus
// (tests/corpus/<case>/expect.toml, described in tests/corpus/README.md),
// and the checks every case gets: what happened to the message, the
// replies, the quarantine, the deal, the deal list and the key bindings.
#ifndef CYBERTROC_TESTS_SUPPORT_CORPUS_EXPECT_H_
#define CYBERTROC_TESTS_SUPPORT_CORPUS_EXPECT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "corpus_world.h"

namespace corpus {

enum class DealCheck {
  kUnchanged,  // nothing but refused-event history may be added
  kOneEvent,   // unchanged but for one accepted event (Expect::event_*)
  kChanged,    // one accepted event more, and the `after` values
};

struct Expect {
  // The inbox status (processed | refused | quarantined | ignored) and a
  // text its outcome contains (case-insensitive): one of these pairs.
  std::vector<std::pair<std::string, std::string>> either;
  // Every outbox row answering the message, as "address:templates"; "*"
  // as templates means any. Unset: not checked as a whole.
  std::optional<std::vector<std::string>> replies;
  std::vector<std::string> replies_to_include;  // addresses
  std::vector<std::string> reply_kinds_never;
  std::vector<std::string> reply_body_has, reply_body_lacks,
      reply_subject_lacks;
  // A refusal about the deal says why, the state and what the sender may
  // send now (docs/protocol.md, "Codes").
  bool refusal_explains = false;
  DealCheck deal = DealCheck::kUnchanged;
  std::string event_code, event_actor;           // kOneEvent, kChanged
  std::map<std::string, std::string> after;      // kChanged: state, held
  std::map<std::string, std::string> deposited;  // kChanged: role -> amount
  double max_seconds = 20;                       // for the last run
  std::optional<size_t> stored_under_bytes;
};

// expect.toml of case `name`; nullopt (and a test failure naming the file)
// when it is missing or not right.
std::optional<Expect> LoadExpect(const std::string& name);

// What one case did.
struct Outcome {
  World world;
  std::string message_id;
  InboxRow inbox;
  std::vector<OutboxRow> replies;
  std::vector<std::string> recipients;  // of every outbox row
  Json before, after;                   // --json show of the deal
  Json list_before, list_after, keys_before, keys_after, quarantine;
  ShellResult run;
};

// Every check of `want` and of every case on `o`; `trace` goes with each
// failure.
void CheckOutcome(const Expect& want, const Outcome& o,
                  const std::string& trace);

}  // namespace corpus

#endif  // CYBERTROC_TESTS_SUPPORT_CORPUS_EXPECT_H_
