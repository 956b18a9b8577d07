-- One chunk of eligible accounts (SPEC §2) and their traits (SPEC §3), in id
-- order, for Fizzy's MySQL/MariaDB schema (ids are BINARY(16), datetimes
-- DATETIME(6), booleans TINYINT(1) 0/1). Same semantics as
-- sqlite/account_traits.sql.
--
-- Parameters, by name as in SQLite (db/mysql.cpp rewrites each :name to the
-- "?" of a server-side prepared statement; a name may appear twice):
--   :after           TEXT  keyset cursor as 32 hex digits: only ids greater than this one
--   :chunk_size      INT   accounts per chunk
--   :created_before  TEXT  as_of + 1 microsecond: created_at <= as_of
--   :window_start    TEXT  as_of - 30 days, inclusive
--   :as_of           TEXT  the snapshot instant, exclusive
--   :shard_count     INT   1 when unsharded
--   :shard_index     INT   0-based
-- Connector/C++ 1.1 buffers a prepared statement's whole result on the
-- client; one chunk is bounded by :chunk_size, so memory is too.
--
-- Strings are compared as bytes (CAST(... AS BINARY)), as SQLite compares
-- them: MySQL's default collations would also match 'System' or 'system '.
-- Where an index serves the lookup, the plain comparison is kept beside the
-- exact one so the index is still used. BINARY(16) compares as 16 bytes,
-- like SQLite's BLOBs and PostgreSQL's uuid. The shard is the first 4 bytes
-- of SHA-256 over the 16 id bytes, big-endian, modulo the count
-- (source/shard.cpp). created_at comes back as 'YYYY-MM-DD HH:MM:SS.ffffff'.
WITH chunk AS (
    SELECT a.id, a.name, a.created_at, a.cards_count
    FROM accounts AS a
    WHERE a.id > UNHEX(:after)
      -- A NULL created_at is read, and the account reported as failed, never silently left out.
      AND (a.created_at < CAST(:created_before AS DATETIME(6)) OR a.created_at IS NULL)
      AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id)
      AND NOT EXISTS (SELECT 1 FROM account_imports AS ai
                      WHERE ai.account_id = a.id
                        AND CAST(ai.status AS BINARY) IN ('pending', 'processing', 'failed'))
      AND (:shard_count = 1
           OR CAST(CONV(LEFT(SHA2(a.id, 256), 8), 16, 10) AS UNSIGNED) % :shard_count = :shard_index)
    ORDER BY a.id
    LIMIT :chunk_size
)
SELECT
    c.id,
    c.name,
    DATE_FORMAT(c.created_at, '%Y-%m-%d %H:%i:%s.%f') AS created_at,
    c.cards_count,
    (SELECT COUNT(*) FROM users AS u
      WHERE u.account_id = c.id AND u.active = 1 AND CAST(u.role AS BINARY) <> 'system') AS user_count,
    (SELECT COUNT(*) FROM boards AS b WHERE b.account_id = c.id) AS board_count,
    -- Events first (by account_id), then each creator's user row by its
    -- primary key. STRAIGHT_JOIN keeps that order: left to choose, MariaDB
    -- starts from the account's users and reads each user's events through
    -- index_events_on_creator_id, then every one of those rows from the
    -- clustered primary key (events are clustered by id, i.e. by time, so
    -- each is a random read) to check account_id and created_at: about 9
    -- index probes and 200 random row reads per account, 4x slower in
    -- memory and disk-bound once events outgrow the buffer pool (the 64 s
    -- for 10,000 accounts seen on a small pool). The result is the same:
    -- users.id is unique, so the join order cannot change the count.
    (SELECT COUNT(DISTINCT e.creator_id)
       FROM events AS e
       STRAIGHT_JOIN users AS u ON u.id = e.creator_id
      WHERE e.account_id = c.id
        AND e.created_at >= CAST(:window_start AS DATETIME(6))
        AND e.created_at < CAST(:as_of AS DATETIME(6))
        AND u.account_id = c.id AND CAST(u.role AS BINARY) <> 'system') AS active_user_count_30d,
    -- Exact (DECIMAL) and returned as text: a ledger past 64 bits is that
    -- account's defect (reported as failed), never wrapped or clamped.
    CAST(COALESCE(st.bytes_stored, 0)
         + COALESCE((SELECT SUM(se.delta) FROM storage_entries AS se
                      WHERE se.account_id = c.id
                        AND (st.last_entry_id IS NULL OR se.id > st.last_entry_id)), 0) AS CHAR) AS storage_used_bytes,
    (SELECT COUNT(*) FROM webhooks AS w WHERE w.account_id = c.id AND w.active = 1) AS webhook_count,
    EXISTS (SELECT 1 FROM account_join_codes AS j WHERE j.account_id = c.id) AS has_join_code,
    (SELECT en.auto_postpone_period FROM entropies AS en
      WHERE en.container_type = 'Account' AND CAST(en.container_type AS BINARY) = 'Account'
        AND en.container_id = c.id
      ORDER BY en.created_at, en.id LIMIT 1) AS entropy_period_seconds,
    (SELECT u.id FROM users AS u
      WHERE u.account_id = c.id AND u.role = 'system' AND CAST(u.role AS BINARY) = 'system'
      ORDER BY u.created_at, u.id LIMIT 1) AS system_user_id,
    (SELECT u.id FROM users AS u
      WHERE u.account_id = c.id AND u.role = 'owner' AND CAST(u.role AS BINARY) = 'owner' AND u.active = 1
      ORDER BY u.created_at, u.id LIMIT 1) AS owner_user_id
FROM chunk AS c
-- (owner_type, owner_id) is unique in Fizzy; should a damaged database hold
-- two rows, the earliest one is used, never both.
LEFT JOIN storage_totals AS st
       ON st.id = (SELECT t.id FROM storage_totals AS t
                    WHERE t.owner_type = 'Account' AND CAST(t.owner_type AS BINARY) = 'Account'
                      AND t.owner_id = c.id
                    ORDER BY t.created_at, t.id LIMIT 1)
ORDER BY c.id
