-- One chunk of eligible accounts (SPEC §2) and their traits (SPEC §3), in id
-- order, for a PostgreSQL copy of Fizzy's tables (ids are uuid, datetimes
-- timestamp(6), booleans boolean). Same semantics as sqlite/account_traits.sql.
--
-- Parameters (positional, sent as text; each cast here gives the type):
--   $1  uuid       after: keyset cursor, only ids greater than this one
--   $2  bigint     chunk_size: accounts per chunk
--   $3  timestamp  created_before: as_of + 1 microsecond, i.e. created_at <= as_of
--   $4  timestamp  window_start: as_of - 30 days, inclusive
--   $5  timestamp  as_of: the snapshot instant, exclusive
--   $6  integer    shard_count: 1 when unsharded
--   $7  integer    shard_index: 0-based
--
-- uuid compares as 16 big-endian bytes, like the BLOBs and BINARY(16) of the
-- other dialects, so "id > $1" and ORDER BY id give the same order. The shard
-- is the first 4 bytes of SHA-256 over the 16 id bytes, big-endian, modulo
-- the count (source/shard.cpp). Ids come back as text (parsed as hex),
-- created_at as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC (the session's zone).
-- Every aggregate is a correlated lookup on an account_id index, evaluated
-- for the accounts of this chunk only.
WITH chunk AS (
    SELECT a.id, a.name, a.created_at, a.cards_count
    FROM accounts AS a
    WHERE a.id > $1::uuid
      -- A NULL created_at is read, and the account reported as failed, never silently left out.
      AND (a.created_at < $3::timestamp OR a.created_at IS NULL)
      AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id)
      AND NOT EXISTS (SELECT 1 FROM account_imports AS ai
                      WHERE ai.account_id = a.id AND ai.status IN ('pending', 'processing', 'failed'))
      AND ($6::integer = 1
           OR ('x' || encode(substring(sha256(uuid_send(a.id)) FROM 1 FOR 4), 'hex'))::bit(32)::bigint
              % $6::integer = $7::integer)
    ORDER BY a.id
    LIMIT $2::bigint
)
SELECT
    c.id::text AS id,
    c.name,
    to_char(c.created_at, 'YYYY-MM-DD HH24:MI:SS.US') AS created_at,
    c.cards_count,
    (SELECT count(*) FROM users AS u
      WHERE u.account_id = c.id AND u.active AND u.role <> 'system') AS user_count,
    (SELECT count(*) FROM boards AS b WHERE b.account_id = c.id) AS board_count,
    (SELECT count(DISTINCT e.creator_id)
       FROM events AS e
       JOIN users AS u ON u.id = e.creator_id
      WHERE e.account_id = c.id
        AND e.created_at >= $4::timestamp AND e.created_at < $5::timestamp
        AND u.account_id = c.id AND u.role <> 'system') AS active_user_count_30d,
    -- Exact (numeric) and returned as text: a ledger past 64 bits is that
    -- account's defect (reported as failed), not an error that stops the run.
    (coalesce(st.bytes_stored, 0)::numeric
      + coalesce((SELECT sum(se.delta) FROM storage_entries AS se
                   WHERE se.account_id = c.id
                     AND (st.last_entry_id IS NULL OR se.id > st.last_entry_id)), 0))::text AS storage_used_bytes,
    (SELECT count(*) FROM webhooks AS w WHERE w.account_id = c.id AND w.active) AS webhook_count,
    EXISTS (SELECT 1 FROM account_join_codes AS j WHERE j.account_id = c.id) AS has_join_code,
    (SELECT en.auto_postpone_period FROM entropies AS en
      WHERE en.container_type = 'Account' AND en.container_id = c.id
      ORDER BY en.created_at, en.id LIMIT 1) AS entropy_period_seconds,
    (SELECT u.id::text FROM users AS u
      WHERE u.account_id = c.id AND u.role = 'system'
      ORDER BY u.created_at, u.id LIMIT 1) AS system_user_id,
    (SELECT u.id::text FROM users AS u
      WHERE u.account_id = c.id AND u.role = 'owner' AND u.active
      ORDER BY u.created_at, u.id LIMIT 1) AS owner_user_id
FROM chunk AS c
-- (owner_type, owner_id) is unique in Fizzy; should a damaged database hold
-- two rows, the earliest one is used, never both.
LEFT JOIN storage_totals AS st
       ON st.id = (SELECT t.id FROM storage_totals AS t
                    WHERE t.owner_type = 'Account' AND t.owner_id = c.id
                    ORDER BY t.created_at, t.id LIMIT 1)
ORDER BY c.id
