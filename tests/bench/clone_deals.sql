-- Grows a cybertroc database to bench_args.total deals by cloning one real
-- deal (bench_args.template, made by tests/bench/run.sh through the mail
-- pipeline and the CLI: offered, accepted, both deposits, shipped). Each
-- clone gets the template's rows in deals, deal_texts, deal_amounts,
-- parties, events and ledger; outbox and inbox rows (the mail bodies, some
-- kilobytes each) are not cloned. Every clone is `shipped` with its
-- deadline 9 to 28 days ahead; its two parties are drawn from
-- bench_args.parties addresses partyN@example.test, so that a typical
-- address is a party of about 2 * total / parties deals.
--
-- Run by run.sh as: sqlite3 DB < (bench_args table) + this file, where
--   CREATE TEMP TABLE bench_args AS
--     SELECT 1000000 AS total, 'CT-XXXXXXXX' AS template, 50000 AS parties;
PRAGMA cache_size = -262144;  -- 256 MiB: the index builds stay in memory
PRAGMA synchronous = OFF;     -- a bulk load we can redo, not a commit to keep

BEGIN;

-- Clone ids: CT- and the clone's number in 8 Crockford base32 digits.
CREATE TEMP TABLE clone AS
WITH RECURSIVE n(i) AS (
  SELECT 1
  UNION ALL
  SELECT i + 1 FROM n WHERE i < (SELECT total - 1 FROM bench_args)
),
digits(d) AS (SELECT '0123456789ABCDEFGHJKMNPQRSTVWXYZ')
SELECT
  i,
  'CT-' || substr(d, ((i >> 35) & 31) + 1, 1) || substr(d, ((i >> 30) & 31) + 1, 1)
        || substr(d, ((i >> 25) & 31) + 1, 1) || substr(d, ((i >> 20) & 31) + 1, 1)
        || substr(d, ((i >> 15) & 31) + 1, 1) || substr(d, ((i >> 10) & 31) + 1, 1)
        || substr(d, ((i >> 5) & 31) + 1, 1) || substr(d, (i & 31) + 1, 1) AS id,
  'party' || (i % (SELECT parties FROM bench_args)) || '@example.test' AS seller,
  -- odd, never a multiple of the (even) party count: never the seller
  'party' || ((i * 31 + 17) % (SELECT parties FROM bench_args))
          || '@example.test' AS buyer,
  CAST(strftime('%s', 'now') AS INTEGER) - 20 * 86400 - i AS created,
  CAST(strftime('%s', 'now') AS INTEGER) - 86400 - i % 86400 AS entered,
  CAST(strftime('%s', 'now') AS INTEGER) + (9 + i % 20) * 86400 AS deadline
FROM n, digits;
DELETE FROM clone WHERE id = (SELECT template FROM bench_args);

CREATE TEMP TABLE tmpl AS
SELECT * FROM deals WHERE id = (SELECT template FROM bench_args);

INSERT INTO deals (id, case_name, state, lang, delivery, funded, paid_in,
  paid_out, created, state_entered, deadline, reminders_fired, proposal_by,
  updated)
SELECT c.id, t.case_name, 'shipped', t.lang, t.delivery, t.funded, t.paid_in,
  t.paid_out, c.created, c.entered, c.deadline, 0, NULL, c.entered
FROM clone c, tmpl t ORDER BY c.i;

INSERT INTO deal_texts (deal_id, key, value)
SELECT c.id, x.key, x.value
FROM clone c, deal_texts x, tmpl t WHERE x.deal_id = t.id ORDER BY c.i;

INSERT INTO deal_amounts (deal_id, name, minor)
SELECT c.id, x.name, x.minor
FROM clone c, deal_amounts x, tmpl t WHERE x.deal_id = t.id ORDER BY c.i;

INSERT INTO parties (deal_id, role, position, email, due, commission,
  deposited, marks, extend_days)
SELECT c.id, p.role, p.position,
  CASE p.role WHEN 'seller' THEN c.seller WHEN 'buyer' THEN c.buyer
              ELSE p.email END,
  p.due, p.commission, p.deposited, p.marks, p.extend_days
FROM clone c, parties p, tmpl t WHERE p.deal_id = t.id ORDER BY c.i;

INSERT INTO events (deal_id, at, code, actor, actor_email, from_state,
  to_state, refused, detail, message_ref)
SELECT c.id, c.created + (e.at - t.created), e.code, e.actor,
  CASE e.actor WHEN 'seller' THEN c.seller WHEN 'buyer' THEN c.buyer
               ELSE e.actor_email END,
  e.from_state, e.to_state, e.refused, e.detail,
  CASE WHEN e.message_ref LIKE '<%' THEN '<clone.' || c.i || '.' || e.id
       || '@example.test>' ELSE e.message_ref END
FROM clone c, events e, tmpl t WHERE e.deal_id = t.id ORDER BY c.i, e.id;

INSERT INTO ledger (deal_id, at, kind, role, amount, reason, reference,
  event_id)
SELECT c.id, c.created + (l.at - t.created), l.kind, l.role, l.amount,
  l.reason, l.reference, NULL
FROM clone c, ledger l, tmpl t WHERE l.deal_id = t.id ORDER BY c.i, l.id;

COMMIT;

PRAGMA wal_checkpoint(TRUNCATE);
SELECT 'deals: ' || count(*) FROM deals;
