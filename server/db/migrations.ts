/**
 * Numbered migrations. The number of the last one applied is kept in
 * `PRAGMA user_version`; a database from a newer version of the mock is refused
 * rather than guessed at. Append new migrations; never edit a released one.
 */
export const migrations: readonly string[] = [
  // 1: the whole first schema. Money in integer micro-units (1 USDT = 1_000_000).
  `
  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('active', 'suspended')),
    balance_micros INTEGER NOT NULL CHECK (balance_micros >= 0),
    created_at INTEGER NOT NULL
  );
  -- Only a hash of each key is stored; prefix is for display in the state view.
  CREATE TABLE api_keys (
    key_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    prefix TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    created_at INTEGER NOT NULL
  );
  CREATE INDEX api_keys_account ON api_keys(account_id);
  CREATE TABLE products (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    price_micros INTEGER NOT NULL CHECK (price_micros >= 0)
  );
  CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10),
    total_micros INTEGER NOT NULL CHECK (total_micros >= 0),
    idempotency_key TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX orders_account ON orders(account_id);
  -- A code is unique across the store and, once order_id is set, never handed out again.
  CREATE TABLE codes (
    seq INTEGER PRIMARY KEY,
    product_id TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE,
    order_id TEXT REFERENCES orders(id) ON DELETE CASCADE
  );
  CREATE INDEX codes_unsold ON codes(product_id, seq) WHERE order_id IS NULL;
  CREATE INDEX codes_order ON codes(order_id) WHERE order_id IS NOT NULL;
  -- Only successful purchases are recorded; body is the exact bytes to replay.
  CREATE TABLE idempotency_records (
    account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (account_id, idempotency_key)
  );
  -- One row per counted request; subject is "key:<hash>" or "addr:<address>".
  CREATE TABLE rate_events (
    subject TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX rate_events_subject ON rate_events(subject, at);
  CREATE INDEX rate_events_at ON rate_events(at);
  CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: the fixture POST /_mock/reset returns to. In the database, not in one process's memory,
  // so every process on the file resets to the same state; one row at most.
  `
  CREATE TABLE current_fixture (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fixture TEXT NOT NULL
  );
  `,
  // 3: fault rules and the request journal (mock only). Both are shared by every process on the file.
  `
  -- A rule's counters and random state live here, so "the next N" holds across processes.
  -- An exact key is kept only as its hash; key_shown is its first characters, for the list.
  CREATE TABLE fault_rules (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL CHECK (source IN ('api', 'config', 'fixture')),
    kind TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('before', 'after_commit')),
    operation TEXT,
    account_id TEXT,
    key_hash TEXT,
    key_shown TEXT,
    key_prefix TEXT,
    product_id TEXT,
    with_idempotency_key INTEGER CHECK (with_idempotency_key IN (0, 1)),
    times INTEGER,
    every INTEGER,
    probability REAL,
    seed INTEGER NOT NULL,
    rng_state INTEGER NOT NULL,
    seen INTEGER NOT NULL DEFAULT 0,
    fired INTEGER NOT NULL DEFAULT 0,
    params TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  -- AUTOINCREMENT: ids never go back, even after a clear, so a follower's last id stays meaningful.
  -- No secondary indexes: the table is bounded (10,000 rows by default) and the write is the hot path.
  CREATE TABLE journal (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    operation TEXT,
    account_id TEXT,
    key_prefix TEXT,
    key_hash TEXT,
    idempotency_key TEXT,
    request_body TEXT,
    status INTEGER NOT NULL,
    error_code TEXT,
    response_body TEXT,
    latency_ms INTEGER NOT NULL,
    fault TEXT,
    order_id TEXT,
    replayed INTEGER NOT NULL CHECK (replayed IN (0, 1))
  );
  `,
  // 4: credentials that authenticated from a client address, and when last: while an address is over
  // its failed-authentication limit, only these are accepted from it (server/middleware/api-key.ts).
  // scope is 'key' (an API key) or 'control' (the control token); only hashes are stored.
  `
  CREATE TABLE auth_trust (
    scope TEXT NOT NULL,
    address TEXT NOT NULL,
    credential_hash TEXT NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (scope, address, credential_hash)
  ) WITHOUT ROWID;
  CREATE INDEX auth_trust_at ON auth_trust(at);
  `,
  // 5: stock and sold kept on the product, changed in the same transaction as its codes (a purchase,
  // a restock, a product put, a fixture load), so a purchase and GET /products read one row instead of
  // counting codes. Backfilled once here from the codes.
  `
  ALTER TABLE products ADD COLUMN stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0);
  ALTER TABLE products ADD COLUMN sold INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0);
  UPDATE products SET
    stock = (SELECT COUNT(*) FROM codes c WHERE c.product_id = products.id AND c.order_id IS NULL),
    sold = (SELECT COUNT(*) FROM codes c WHERE c.product_id = products.id AND c.order_id IS NOT NULL);
  `,
  // 6: the rate limiter keeps, per subject, a ring of the times of its most recent accepted requests
  // instead of one row per request: a request reads one slot and writes one, however high the limit
  // or busy the key (server/store/rate-limit-store.ts). Every subject's events move into its ring,
  // so nobody gets a free window by the upgrade: API keys ("key:"), and the failed-authentication
  // counts of client addresses ("addr:", wrong keys; "ctl:", wrong control tokens) alike, each
  // ring at least as large as its events and the limit in force.
  `
  -- subject is "key:<hash>", "addr:<address>" or "ctl:<address>"; slots hold accepted requests' times in the order
  -- they were accepted, next_slot is where the next one goes (the oldest is overwritten once the
  -- ring is full); ring_size is at least every limit in force since the subject's ring began;
  -- newest is the time of its most recent accepted request.
  CREATE TABLE rate_subjects (
    subject TEXT PRIMARY KEY,
    ring_size INTEGER NOT NULL CHECK (ring_size >= 1),
    next_slot INTEGER NOT NULL CHECK (next_slot >= 0 AND next_slot < ring_size),
    newest INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE rate_slots (
    subject TEXT NOT NULL,
    slot INTEGER NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (subject, slot)
  ) WITHOUT ROWID;
  INSERT INTO rate_slots (subject, slot, at)
    SELECT subject, ROW_NUMBER() OVER (PARTITION BY subject ORDER BY at) - 1, at FROM rate_events;
  INSERT INTO rate_subjects (subject, ring_size, next_slot, newest)
    SELECT subject, size, n % size, newest FROM (
      SELECT subject, COUNT(*) AS n, MAX(at) AS newest,
        MAX(COUNT(*), COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'rate_limit'), 20)) AS size
      FROM rate_events GROUP BY subject);
  DROP TABLE rate_events;
  `,
  // 7: expired idempotency records are forgotten through an index, not by reading every record.
  `
  CREATE INDEX idempotency_records_created ON idempotency_records(created_at);
  `,
  // 8: an accepted request is one statement, INSERT INTO rate_accepts: its time goes into the ring's slot
  // and the ring's next slot and newest time move, both or neither (a statement is atomic with its
  // trigger), with no savepoint around two statements on every request. It is a compare-and-set: it
  // writes only if the ring is where the caller says (its next slot is `slot`, its newest time
  // `newest_before`), else it fails and writes nothing; the rate limiter, which keeps rings in memory
  // (server/store/rate-limit-store.ts), then reads the ring again. The view holds no rows: it is only
  // a name to insert into.
  `
  CREATE VIEW rate_accepts (subject, slot, next_slot, at, newest_before) AS SELECT NULL, NULL, NULL, NULL, NULL WHERE 0;
  CREATE TRIGGER rate_accepts_insert INSTEAD OF INSERT ON rate_accepts BEGIN
    UPDATE rate_subjects SET next_slot = new.next_slot, newest = new.at
      WHERE subject = new.subject AND next_slot = new.slot AND newest = new.newest_before;
    SELECT RAISE(ABORT, 'rate_accepts: the ring is not where the caller says') WHERE changes() = 0;
    INSERT INTO rate_slots (subject, slot, at) VALUES (new.subject, new.slot, new.at)
      ON CONFLICT (subject, slot) DO UPDATE SET at = excluded.at;
  END;
  `,
];
