#include "store/schema.h"

#include <array>
#include <string>
#include <string_view>

namespace ct::store::internal {
namespace {

// Times are INTEGER unix seconds (UTC), money INTEGER minor units. Tables are
// STRICT so that a wrongly typed value is an error rather than a silent
// conversion. Optional references are NULL, never "" or 0.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE deals (
  id TEXT PRIMARY KEY NOT NULL,
  case_name TEXT NOT NULL,
  state TEXT NOT NULL,
  lang TEXT NOT NULL,
  delivery TEXT NOT NULL CHECK (delivery IN ('post', 'hand')),
  funded INTEGER NOT NULL CHECK (funded IN (0, 1)),
  paid_in INTEGER NOT NULL CHECK (paid_in >= 0),
  -- Nothing held is ever negative (docs/money.md, ledger invariants).
  paid_out INTEGER NOT NULL CHECK (paid_out >= 0 AND paid_out <= paid_in),
  created INTEGER NOT NULL,
  state_entered INTEGER NOT NULL,
  deadline INTEGER,
  reminders_fired INTEGER NOT NULL CHECK (reminders_fired >= 0),
  proposal_by TEXT,
  updated INTEGER NOT NULL
) STRICT;
CREATE INDEX deals_state ON deals(state);
CREATE INDEX deals_deadline ON deals(deadline) WHERE deadline IS NOT NULL;

CREATE TABLE deal_texts (
  deal_id TEXT NOT NULL REFERENCES deals(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (deal_id, key)
) STRICT;

CREATE TABLE deal_amounts (
  deal_id TEXT NOT NULL REFERENCES deals(id),
  name TEXT NOT NULL,
  minor INTEGER NOT NULL CHECK (minor >= 0),
  PRIMARY KEY (deal_id, name)
) STRICT;

-- `position` keeps the order of core::Deal::parties (a vector).
CREATE TABLE parties (
  deal_id TEXT NOT NULL REFERENCES deals(id),
  role TEXT NOT NULL,
  position INTEGER NOT NULL,
  email TEXT NOT NULL COLLATE NOCASE,
  due INTEGER NOT NULL CHECK (due >= 0),
  commission INTEGER NOT NULL CHECK (commission >= 0),
  deposited INTEGER NOT NULL CHECK (deposited >= 0),
  marks TEXT NOT NULL DEFAULT '',
  extend_days INTEGER NOT NULL CHECK (extend_days >= 0),
  PRIMARY KEY (deal_id, role),
  UNIQUE (deal_id, position)
) STRICT;
CREATE INDEX parties_email ON parties(email);

CREATE TABLE proposal_split (
  deal_id TEXT NOT NULL REFERENCES deals(id),
  role TEXT NOT NULL,
  minor INTEGER NOT NULL CHECK (minor >= 0),
  PRIMARY KEY (deal_id, role)
) STRICT;

CREATE TABLE events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  deal_id TEXT NOT NULL REFERENCES deals(id),
  at INTEGER NOT NULL,
  code INTEGER NOT NULL,
  actor TEXT NOT NULL,
  actor_email TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  refused INTEGER NOT NULL CHECK (refused IN (0, 1)),
  detail TEXT NOT NULL,
  message_ref TEXT NOT NULL
) STRICT;
CREATE INDEX events_deal ON events(deal_id);

CREATE TABLE ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  deal_id TEXT NOT NULL REFERENCES deals(id),
  at INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('deposit', 'commission', 'payout')),
  role TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  reason TEXT NOT NULL,
  reference TEXT NOT NULL,
  event_id INTEGER REFERENCES events(id)
) STRICT;
CREATE INDEX ledger_deal ON ledger(deal_id);

-- History and money movements are evidence: never rewritten.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'ledger is append-only'); END;

CREATE TABLE payouts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  deal_id TEXT NOT NULL REFERENCES deals(id),
  created INTEGER NOT NULL,
  payee_role TEXT NOT NULL,
  payee_email TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'done')),
  done_ref TEXT NOT NULL DEFAULT '',
  done_at INTEGER,
  CHECK ((status = 'done') = (done_at IS NOT NULL))
) STRICT;
CREATE INDEX payouts_deal ON payouts(deal_id);
CREATE INDEX payouts_status ON payouts(status);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  deal_id TEXT REFERENCES deals(id),
  created INTEGER NOT NULL,
  to_email TEXT NOT NULL COLLATE NOCASE,
  to_role TEXT NOT NULL,
  lang TEXT NOT NULL,
  kind TEXT NOT NULL,
  templates TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  in_reply_to TEXT NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'sent', 'failed', 'gave_up')),
  attempts INTEGER NOT NULL CHECK (attempts >= 0),
  next_attempt INTEGER,
  last_error TEXT NOT NULL,
  sent_at INTEGER,
  message_id TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox(status, next_attempt);
CREATE INDEX outbox_deal ON outbox(deal_id);
CREATE INDEX outbox_recipient ON outbox(to_email, created);

CREATE TABLE bindings (
  email TEXT PRIMARY KEY NOT NULL,
  fingerprint TEXT NOT NULL,
  bound_at INTEGER NOT NULL,
  how TEXT NOT NULL
) STRICT;

CREATE TABLE seen_signatures (
  digest TEXT PRIMARY KEY NOT NULL,
  fingerprint TEXT NOT NULL,
  made INTEGER NOT NULL,
  seen INTEGER NOT NULL,
  accepted INTEGER NOT NULL DEFAULT 0 CHECK (accepted IN (0, 1))
) STRICT;
CREATE INDEX seen_signatures_key ON seen_signatures(fingerprint, accepted, made);

CREATE TABLE inbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT NOT NULL,
  server_uid TEXT NOT NULL,
  message_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  fetched INTEGER NOT NULL,
  raw BLOB NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('new', 'processed', 'refused', 'quarantined', 'ignored')),
  outcome TEXT NOT NULL,
  deal_id TEXT NOT NULL,
  UNIQUE (message_id, digest)
) STRICT;
CREATE UNIQUE INDEX inbox_server_uid ON inbox(source, server_uid)
  WHERE server_uid <> '';
CREATE INDEX inbox_status ON inbox(status);
CREATE INDEX inbox_deal ON inbox(deal_id);

CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  inbox_id INTEGER NOT NULL REFERENCES inbox(id),
  message_id TEXT NOT NULL,
  from_addr TEXT NOT NULL,
  reason TEXT NOT NULL,
  at INTEGER NOT NULL
) STRICT;

CREATE TABLE timers_fired (
  deal_id TEXT NOT NULL REFERENCES deals(id),
  kind TEXT NOT NULL,
  due INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  fired_at INTEGER NOT NULL,
  PRIMARY KEY (deal_id, kind, due, seq)
) STRICT;
)sql";

// Hostile mail. One message must never stop the inbox: each row counts the
// times its processing started and keeps why the last one failed, so that a
// message that keeps failing (or crashing the run) is quarantined after a
// few attempts. And the "not older than the signer's last accepted command"
// rule is gone (mail arrives out of order): nothing looks signatures up by
// key and time any more.
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0
  CHECK (attempts >= 0);
ALTER TABLE inbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
DROP INDEX seen_signatures_key;
)sql";

// Scale. Lists stay fast with a million deals: every `list` comes out in
// (created, id) order straight from an index, so that a page costs its
// LIMIT rows and a keyset cursor (`--after ID`) resumes without OFFSET. A
// party's deals are found from parties; to page them without visiting all
// of them, parties carries a copy of its deal's creation time (never
// changed after the deal is made, so the copy cannot go stale). The new
// indexes start with the columns of the old ones, which go. And `tick`
// reads only the deals whose timer is due, not every deal in a reminder
// window (deals_timer: see DealRepo::TimerCandidates).
constexpr std::string_view kSchemaV3 = R"sql(
ALTER TABLE parties ADD COLUMN deal_created INTEGER NOT NULL DEFAULT 0;
UPDATE parties SET deal_created =
  (SELECT created FROM deals WHERE deals.id = parties.deal_id);
CREATE INDEX parties_email_created ON parties(email, deal_created, deal_id);
DROP INDEX parties_email;
CREATE INDEX deals_created ON deals(created, id);
CREATE INDEX deals_state_created ON deals(state, created, id);
DROP INDEX deals_state;
CREATE INDEX deals_timer ON deals(reminders_fired, deadline)
  WHERE deadline IS NOT NULL;
)sql";

// Scale. Sending reads the queued messages a page at a time in id order.
// On outbox_due the "next_attempt IS NULL OR <= now" test became two index
// searches over every queued row, then a sort, for every page: quadratic in
// a backlog. This index holds only the queued rows, in id order, so a page
// costs its LIMIT rows (OutboxRepo::Due names it). Sent rows, which are
// nearly all of the table, are not in it.
constexpr std::string_view kSchemaV4 = R"sql(
CREATE INDEX outbox_queued ON outbox(id) WHERE status = 'queued';
)sql";

// Listings (docs/protocol.md, "Listings"): one row per listing,
// the interest shown in it, the deals it opened (a listing may be locked
// again after a deal that was never funded), and a full-text index of its
// words (FTS5, accents folded so that "cafe" finds "café"). A listing's
// text never changes, so its index row is written once with it. IF NOT
// EXISTS: a database rewound to an earlier version by hand (as
// deal_list_test does) migrates forward again.
constexpr std::string_view kSchemaListings = R"sql(
CREATE TABLE IF NOT EXISTS listings (
  id TEXT PRIMARY KEY NOT NULL,
  case_name TEXT NOT NULL CHECK (case_name IN ('sale', 'exchange')),
  state TEXT NOT NULL
    CHECK (state IN ('open', 'locked', 'closed', 'expired', 'withdrawn')),
  lister TEXT NOT NULL COLLATE NOCASE,
  title TEXT NOT NULL,
  wants TEXT NOT NULL,
  tags TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  shipping INTEGER NOT NULL CHECK (shipping >= 0),
  delivery TEXT NOT NULL CHECK (delivery IN ('post', 'hand')),
  lang TEXT NOT NULL,
  created INTEGER NOT NULL,
  expires INTEGER NOT NULL,
  reminded INTEGER NOT NULL CHECK (reminded IN (0, 1)),
  deal_id TEXT REFERENCES deals(id),
  locked_to TEXT COLLATE NOCASE,
  updated INTEGER NOT NULL,
  CHECK ((state = 'locked') = (deal_id IS NOT NULL))
) STRICT;
CREATE INDEX IF NOT EXISTS listings_state_created ON listings(state, created, id);
CREATE INDEX IF NOT EXISTS listings_state_expires ON listings(state, expires);
CREATE INDEX IF NOT EXISTS listings_lister_state ON listings(lister, state);

CREATE TABLE IF NOT EXISTS listing_interest (
  listing_id TEXT NOT NULL REFERENCES listings(id),
  email TEXT NOT NULL COLLATE NOCASE,
  note TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (listing_id, email)
) STRICT;

CREATE TABLE IF NOT EXISTS listing_deals (
  deal_id TEXT PRIMARY KEY NOT NULL REFERENCES deals(id),
  listing_id TEXT NOT NULL REFERENCES listings(id)
) STRICT;
CREATE INDEX IF NOT EXISTS listing_deals_listing ON listing_deals(listing_id);

CREATE VIRTUAL TABLE IF NOT EXISTS listing_words USING fts5(
  id UNINDEXED, title, wants, tags,
  tokenize = 'unicode61 remove_diacritics 2');
)sql";

// Trust beyond the two parties. A sale may be delivered as a file
// (delivery 'digital'), and part of a commission may be passed on to a
// referrer or a moderator (ledger kind 'share'). Both only widen a CHECK;
// SQLite's documented way to loosen a CHECK constraint without rebuilding
// the table (which foreign keys to `deals` forbid here) is to edit the
// stored CREATE statement: sqlite.org/lang_altertable.html, "Making Other
// Kinds Of Table Schema Changes". RESET makes this connection re-read it.
// Reputation is kept per key fingerprint: facts about funded deals, the
// parties' ratings, and the operator's links from an old key to a new one;
// the operator's moderators are a table too. Every statement may run twice
// (IF NOT EXISTS; the replaced text no longer matches): a database rewound
// to an older version by hand, as tests do, migrates again.
constexpr std::string_view kSchemaTrust = R"sql(
PRAGMA writable_schema = ON;
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (delivery IN (''post'', ''hand''))',
  'CHECK (delivery IN (''post'', ''hand'', ''digital''))')
  WHERE type = 'table' AND name = 'deals';
UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (kind IN (''deposit'', ''commission'', ''payout''))',
  'CHECK (kind IN (''deposit'', ''commission'', ''payout'', ''share''))')
  WHERE type = 'table' AND name = 'ledger';
PRAGMA writable_schema = RESET;
PRAGMA writable_schema = OFF;

CREATE TABLE IF NOT EXISTS moderators (
  email TEXT PRIMARY KEY NOT NULL,
  fingerprint TEXT NOT NULL,
  fee_bp INTEGER NOT NULL CHECK (fee_bp >= 0 AND fee_bp <= 10000),
  lang TEXT NOT NULL,
  added INTEGER NOT NULL
) STRICT;

-- One row per party, deal and kind of fact (funded, completed, refunded,
-- disputed, settled, expired, cancelled, default), only for funded deals.
CREATE TABLE IF NOT EXISTS reputation_facts (
  deal_id TEXT NOT NULL REFERENCES deals(id),
  email TEXT NOT NULL COLLATE NOCASE,
  fingerprint TEXT NOT NULL,
  role TEXT NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (deal_id, email, kind)
) STRICT;
CREATE INDEX IF NOT EXISTS reputation_facts_fpr ON reputation_facts(fingerprint);
CREATE INDEX IF NOT EXISTS reputation_facts_email ON reputation_facts(email);

CREATE TABLE IF NOT EXISTS ratings (
  deal_id TEXT NOT NULL REFERENCES deals(id),
  rater_role TEXT NOT NULL,
  rater_fpr TEXT NOT NULL,
  rated_email TEXT NOT NULL COLLATE NOCASE,
  rated_fpr TEXT NOT NULL,
  score INTEGER NOT NULL CHECK (score IN (-1, 0, 1)),
  comment TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (deal_id, rater_role)
) STRICT;
CREATE INDEX IF NOT EXISTS ratings_rated_fpr ON ratings(rated_fpr);
CREATE INDEX IF NOT EXISTS ratings_rated_email ON ratings(rated_email);

CREATE TABLE IF NOT EXISTS key_links (
  old_fpr TEXT PRIMARY KEY NOT NULL,
  new_fpr TEXT NOT NULL CHECK (new_fpr <> old_fpr),
  linked_at INTEGER NOT NULL
) STRICT;
)sql";

// Real accounts (docs/money.md "Real accounts (SEPA)"). Where each party is
// paid: every registration signed by a party is kept (evidence when a payout is
// disputed); at most one active and one pending per address, and only the
// status ever changes. Bank statement lines already recorded as deposits, by
// their key (money::StatementLine::key): a statement imported twice records
// nothing twice. Attachments of outgoing mail (the EPC QR code of a deposit
// request), rendered with the mail and sent with it.
constexpr std::string_view kSchemaAccounts = R"sql(
CREATE TABLE payout_accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  email TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  iban TEXT NOT NULL,
  bic TEXT NOT NULL,
  name TEXT NOT NULL,
  requested INTEGER NOT NULL,
  effective INTEGER NOT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('pending', 'active', 'replaced', 'cancelled')),
  message_ref TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX payout_accounts_active ON payout_accounts(email)
  WHERE status = 'active';
CREATE UNIQUE INDEX payout_accounts_pending ON payout_accounts(email)
  WHERE status = 'pending';
CREATE INDEX payout_accounts_due ON payout_accounts(effective)
  WHERE status = 'pending';
CREATE TRIGGER payout_accounts_no_delete BEFORE DELETE ON payout_accounts
BEGIN SELECT RAISE(ABORT, 'payout accounts are kept'); END;
CREATE TRIGGER payout_accounts_status_only BEFORE UPDATE OF email,
  fingerprint, iban, bic, name, requested, effective, message_ref
  ON payout_accounts
BEGIN SELECT RAISE(ABORT, 'only the status of a payout account changes'); END;

CREATE TABLE bank_entries (
  entry_key TEXT PRIMARY KEY NOT NULL,
  reference TEXT NOT NULL,
  deal_id TEXT NOT NULL REFERENCES deals(id),
  role TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  imported INTEGER NOT NULL,
  event_id INTEGER NOT NULL REFERENCES events(id)
) STRICT;
CREATE TRIGGER bank_entries_no_update BEFORE UPDATE ON bank_entries
BEGIN SELECT RAISE(ABORT, 'bank entries are append-only'); END;
CREATE TRIGGER bank_entries_no_delete BEFORE DELETE ON bank_entries
BEGIN SELECT RAISE(ABORT, 'bank entries are append-only'); END;

CREATE TABLE outbox_attachments (
  outbox_id INTEGER NOT NULL REFERENCES outbox(id),
  position INTEGER NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (outbox_id, position)
) STRICT;
)sql";

// Version 8: a statement line that takes a deposit back (a DBIT reversal,
// `deposits import`) is kept with the lines that brought deposits in, each
// once; the payouts of the party whose deposit went back are held from the
// SEPA file (app/bank/sepa_export.cpp reads them by deal).
constexpr std::string_view kSchemaReversals = R"sql(
ALTER TABLE bank_entries ADD COLUMN kind TEXT NOT NULL DEFAULT 'deposit'
  CHECK (kind IN ('deposit', 'reversal'));
CREATE INDEX bank_entries_reversals ON bank_entries(deal_id, role)
  WHERE kind = 'reversal';
)sql";

// Append only: a released version's script is never edited, a change is a
// new entry.
constexpr std::array<std::string_view, 8> kMigrations = {
    kSchemaV1,       kSchemaV2,    kSchemaV3,       kSchemaV4,
    kSchemaListings, kSchemaTrust, kSchemaAccounts, kSchemaReversals};

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

std::string_view MigrationScript(int version) {
  return kMigrations[static_cast<size_t>(version)];
}

}  // namespace ct::store::internal
