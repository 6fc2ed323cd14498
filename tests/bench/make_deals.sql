-- Fills a cybertroc database with many synthetic deals, for the query
-- benchmarks at scale. Not a test and not product code.
--
-- The database must have been created by cybertroc itself (any read command,
-- e.g. `cybertroc --config C list`, creates it at the latest schema). Then:
--
--   sqlite3 -bail DB -cmd '.parameter set @deals 1000000' < make_deals.sql
--
-- Parameters (all optional, `.parameter set @name value`):
--   @deals       number of deals (default 1,000,000)
--   @now         unix time the benchmark runs at (CYBERTROC_NOW); default
--                1801396800 = 2027-01-31T12:00:00Z
--   @mail_every  every Nth deal also gets its mail rows: the signed `40`
--                mail in `inbox` (processed), its two `shipped` notices in
--                `outbox` (sent) and three remembered signatures; default 10
--   @window_days deals were shipped during the @window_days before @now
--                (default 21, at most 30: delivery takes 30 days). Past 23,
--                some deals are within 7 days of their deadline and got
--                their reminders (events, timers_fired, reminders_fired) as
--                tick sends them: still nothing due, but a window to read.
--
-- What it writes, the way the product writes it for a sale that went
-- offer (10, by mail) -> accept (11, by mail) -> two deposits (21, operator)
-- -> shipped (40, by mail): one `deals` row, 2 `parties`, 1 `deal_texts`,
-- 6 `deal_amounts`, 5 `events`, 4 `ledger` rows (two deposits, two
-- commission shares), a `bindings` row per address, and the reminders that
-- tick sent (see @window_days; their notices are not in `outbox`). Every
-- 1000th deal went on to `disputed` (63 by the buyer; one more event). Everything else is in
-- `shipped` with its deadline 30 - @window_days to 30 days after @now and
-- no timer due: `tick` and `run` have nothing to do, `list --overdue` is
-- empty.
--
-- Addresses: 1 deal in 20 is sold by power.seller@example.test (50,000 at
-- 1 M deals); other sellers have ~25 deals each, buyers ~4 each. Deal ids
-- are the product's format (CT- and 8 characters of its alphabet), unique
-- (an odd multiplier modulo 2^40) and not in creation order; creation times
-- collide now and then, as they do in a busy system.
--
-- 1 M deals take 3 to 5 minutes and 2.7 GB on the 2-core reference machine.
-- Then tests/bench/scale_queries.sh times the commands that must stay fast.

PRAGMA journal_mode = DELETE;  -- one big transaction: no WAL copy
PRAGMA synchronous = OFF;      -- a throwaway database
PRAGMA cache_size = -512000;   -- 512 MiB

BEGIN;

CREATE TEMP TABLE gen AS
SELECT coalesce(@deals, 1000000) AS n,
       coalesce(@now, 1801396800) AS now,
       coalesce(@mail_every, 10) AS mail_every,
       min(max(coalesce(@window_days, 21), 1), 30) AS window_days,
       (SELECT coalesce(max(id), 0) FROM main.events) AS ev0,
       (SELECT coalesce(max(id), 0) FROM main.ledger) AS lg0,
       '0123456789ABCDEFGHJKMNPQRSTVWXYZ' AS abc;

-- One row per deal with every value the tables below need.
CREATE TEMP TABLE d AS
WITH RECURSIVE seq(i) AS (
  SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < (SELECT n FROM gen)
),
base AS (
  SELECT i,
         ((i * 2654435761 + 12345) & 1099511627775) AS x,  -- 40 bits
         gen.now - 3600 - ((i * 40503) % (window_days * 86400 - 7200))
           AS shipped_at,
         (5 + (i * 37) % 200) * 100 AS price,
         300 + (i % 7) * 100 AS shipping
  FROM seq, gen
),
timed AS (
  SELECT *,
         shipped_at - (i % 5) * 86400 - 7200 AS funded_at
  FROM base
),
timed2 AS (
  SELECT *,
         funded_at - (i % 3) * 86400 - 600 AS seller_dep_at
  FROM timed
),
timed3 AS (
  SELECT *,
         seller_dep_at - (i % 4) * 3600 - 300 AS accepted_at
  FROM timed2
)
SELECT i,
       'CT-' || substr(abc, ((x >> 35) & 31) + 1, 1)
             || substr(abc, ((x >> 30) & 31) + 1, 1)
             || substr(abc, ((x >> 25) & 31) + 1, 1)
             || substr(abc, ((x >> 20) & 31) + 1, 1)
             || substr(abc, ((x >> 15) & 31) + 1, 1)
             || substr(abc, ((x >> 10) & 31) + 1, 1)
             || substr(abc, ((x >> 5) & 31) + 1, 1)
             || substr(abc, (x & 31) + 1, 1) AS id,
       accepted_at - (i % 48) * 3600 - 60 AS created,
       accepted_at, seller_dep_at, funded_at, shipped_at,
       shipped_at + 3600 * (1 + i % 40) AS disputed_at,
       i % 1000 = 999 AS disputed,
       -- The 7- and 1-day reminders of a shipped deal that tick sent.
       i % 1000 <> 999 AND shipped_at + 23 * 86400 <= now AS reminded1,
       i % 1000 <> 999 AND shipped_at + 29 * 86400 <= now AS reminded2,
       i % mail_every = 0 AS mailed,
       price, shipping,
       price + shipping AS bond,
       price / 50 AS commission,  -- 2 %, split half each
       price / 10 AS franchise,   -- 10 %
       CASE WHEN i % 20 = 0 THEN 'power.seller@example.test'
            ELSE 'seller' || (i % 40000) || '@example.test' END AS seller,
       'buyer' || ((i * 7919) % 250000) || '@example.test' AS buyer,
       ev0 + i * 8 AS ev, lg0 + i * 4 AS lg
FROM timed3, gen;

INSERT INTO main.deals (id, case_name, state, lang, delivery, funded, paid_in,
  paid_out, created, state_entered, deadline, reminders_fired, proposal_by,
  updated)
SELECT id, 'sale', CASE WHEN disputed THEN 'disputed' ELSE 'shipped' END,
       CASE WHEN i % 3 = 0 THEN 'fr' ELSE 'en' END,
       CASE WHEN i % 9 = 0 THEN 'hand' ELSE 'post' END, 1,
       3 * bond + commission, commission, created,
       CASE WHEN disputed THEN disputed_at ELSE shipped_at END,
       CASE WHEN disputed THEN disputed_at + 366 * 86400
            ELSE shipped_at + 30 * 86400 END,
       reminded1 + reminded2, NULL,
       CASE WHEN disputed THEN disputed_at ELSE shipped_at END
FROM d;

INSERT INTO main.parties (deal_id, role, position, email, due, commission,
  deposited, marks, extend_days, deal_created)
SELECT id, 'seller', 0, seller, bond + commission / 2, commission / 2,
       bond + commission / 2, 'shipped', 0, created FROM d
UNION ALL
SELECT id, 'buyer', 1, buyer, 2 * bond + commission / 2, commission / 2,
       2 * bond + commission / 2, '', 0, created FROM d;

INSERT INTO main.deal_texts (deal_id, key, value)
SELECT id, 'item',
       CASE i % 4 WHEN 0 THEN 'Kind of Blue (CD, 1997 reissue) #' || i
                  WHEN 1 THEN 'Road bike, 56 cm frame, #' || i
                  WHEN 2 THEN 'Film camera with 50 mm lens #' || i
                  ELSE 'First edition, signed #' || i END
FROM d;

INSERT INTO main.deal_amounts (deal_id, name, minor)
SELECT id, 'bond', bond FROM d
UNION ALL SELECT id, 'bond_shipping', shipping FROM d
UNION ALL SELECT id, 'commission', commission FROM d
UNION ALL SELECT id, 'franchise', franchise FROM d
UNION ALL SELECT id, 'price', price FROM d
UNION ALL SELECT id, 'shipping', shipping FROM d;

INSERT INTO main.events (id, deal_id, at, code, actor, actor_email,
  from_state, to_state, refused, detail, message_ref)
SELECT ev + 1, id, created, 10, 'seller', seller, '', 'offered', 0,
       'offer by mail', '<offer-' || i || '@mail.example.test>' FROM d
UNION ALL
SELECT ev + 2, id, accepted_at, 11, 'buyer', buyer, 'offered',
       'awaiting_deposits', 0, '', '<accept-' || i || '@mail.example.test>'
FROM d
UNION ALL
SELECT ev + 3, id, seller_dep_at, 21, 'operator', 'operator@example.test',
       'awaiting_deposits', 'awaiting_deposits', 0,
       'seller ' || printf('%d.%02d', (bond + commission / 2) / 100,
                           (bond + commission / 2) % 100), 'cli' FROM d
UNION ALL
SELECT ev + 4, id, funded_at, 21, 'operator', 'operator@example.test',
       'awaiting_deposits', 'funded', 0,
       'buyer ' || printf('%d.%02d', (2 * bond + commission / 2) / 100,
                          (2 * bond + commission / 2) % 100)
         || ' ref=VIR-' || i, 'cli' FROM d
UNION ALL
SELECT ev + 5, id, shipped_at, 40, 'seller', seller, 'funded', 'shipped', 0,
       'La Poste 6A' || (10000000 + i), '<ship-' || i || '@mail.example.test>'
FROM d
UNION ALL
SELECT ev + 6, id, disputed_at, 63, 'buyer', buyer, 'shipped', 'disputed', 0,
       '', '<dispute-' || i || '@mail.example.test>' FROM d WHERE disputed
UNION ALL
SELECT ev + 7, id, shipped_at + 23 * 86400, 1002, 'timer', '', 'shipped',
       'shipped', 0, 'reminder 1', 'timer' FROM d WHERE reminded1
UNION ALL
SELECT ev + 8, id, shipped_at + 29 * 86400, 1002, 'timer', '', 'shipped',
       'shipped', 0, 'reminder 2', 'timer' FROM d WHERE reminded2
ORDER BY 1;

INSERT INTO main.timers_fired (deal_id, kind, due, seq, fired_at)
SELECT id, 'reminder', shipped_at + 30 * 86400, 1, shipped_at + 23 * 86400
FROM d WHERE reminded1
UNION ALL
SELECT id, 'reminder', shipped_at + 30 * 86400, 2, shipped_at + 29 * 86400
FROM d WHERE reminded2;

INSERT INTO main.ledger (id, deal_id, at, kind, role, amount, reason,
  reference, event_id)
SELECT lg + 1, id, seller_dep_at, 'deposit', 'seller',
       bond + commission / 2, 'deposit', '', ev + 3 FROM d
UNION ALL
SELECT lg + 2, id, funded_at, 'deposit', 'buyer', 2 * bond + commission / 2,
       'deposit', 'VIR-' || i, ev + 4 FROM d
UNION ALL
SELECT lg + 3, id, funded_at, 'commission', 'seller', commission / 2,
       'commission', '', ev + 4 FROM d
UNION ALL
SELECT lg + 4, id, funded_at, 'commission', 'buyer', commission / 2,
       'commission', '', ev + 4 FROM d
ORDER BY 1;

-- Everyone who signed a command is bound on first use.
INSERT OR IGNORE INTO main.bindings (email, fingerprint, bound_at, how)
SELECT email, printf('%040X', abs(hash_seed)), min(at), 'tofu' FROM (
  SELECT seller AS email, created AS at, i * 2 + 1 AS hash_seed FROM d
  UNION ALL SELECT buyer, accepted_at, i * 2 + 2 FROM d)
GROUP BY email;

-- The mail of every @mail_every-th deal.
INSERT INTO main.inbox (source, server_uid, message_id, digest, fetched, raw,
  status, outcome, deal_id)
SELECT 'maildir:///var/mail/escrow', 'ship-' || i || ':2,S',
       '<ship-' || i || '@mail.example.test>', lower(hex(randomblob(32))),
       shipped_at,
       CAST('From: ' || seller || char(10) || 'To: escrow@example.org'
         || char(10) || 'Subject: Re: [' || id || '] Deal funded'
         || char(10) || 'Message-ID: <ship-' || i || '@mail.example.test>'
         || char(10) || char(10)
         || '-----BEGIN PGP SIGNED MESSAGE-----' || char(10)
         || 'Hash: SHA512' || char(10) || char(10) || id || ' 40 La Poste 6A'
         || (10000000 + i) || char(10) || '-----BEGIN PGP SIGNATURE-----'
         || char(10) || substr(hex(randomblob(300)), 1, 560) || char(10)
         || '-----END PGP SIGNATURE-----' || char(10) AS BLOB),
       'processed', '40 by seller: funded -> shipped', id
FROM d WHERE mailed;

INSERT INTO main.outbox (deal_id, created, to_email, to_role, lang, kind,
  templates, subject, body, in_reply_to, status, attempts, next_attempt,
  last_error, sent_at, message_id)
SELECT id, shipped_at, email, role, 'en', 'reply', 'shipped',
       '[' || id || '] Shipped', printf('%.*c', 1200, '.'),
       '<ship-' || i || '@mail.example.test>', 'sent', 1, shipped_at, '',
       shipped_at + 60, '<ct-' || i || '-' || role || '@example.org>'
FROM (SELECT d.*, seller AS email, 'seller' AS role FROM d WHERE mailed
      UNION ALL
      SELECT d.*, buyer AS email, 'buyer' AS role FROM d WHERE mailed);

INSERT INTO main.seen_signatures (digest, fingerprint, made, seen, accepted)
SELECT lower(hex(randomblob(32))), printf('%040X', hash_seed), at, at, 1
FROM (SELECT created AS at, i * 2 + 1 AS hash_seed FROM d WHERE mailed
      UNION ALL SELECT accepted_at, i * 2 + 2 FROM d WHERE mailed
      UNION ALL SELECT shipped_at, i * 2 + 1 FROM d WHERE mailed);

COMMIT;

DROP TABLE temp.d;
DROP TABLE temp.gen;
PRAGMA journal_mode = WAL;  -- as the product keeps it
