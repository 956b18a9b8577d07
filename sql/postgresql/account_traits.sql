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
--
-- Two ways to the same numbers, one chosen by $6 when the statement runs
-- (a "One-Time Filter": the other branch, and the CTEs only it reads, are
-- never executed):
--   * unsharded ($6 = 1): set-based. The chunk's accounts are consecutive
--     ids, so each table is read once per chunk by an index range scan over
--     account_id in ($1, last id of the chunk] and aggregated with GROUP BY,
--     then joined to the chunk. No per-account lookups: about 1.3-1.6x less
--     work than the correlated form (bench/run.sh; EXPLAIN ANALYZE shows the
--     per-account index probes and sub-plan starts it saves). Rows of
--     accounts in the range that are not in the chunk (cancelled, importing,
--     created after as_of) are aggregated and dropped by the join.
--   * sharded ($6 > 1): a shard's chunk spans about $6 times as many ids, so
--     a range scan would read every shard's rows; each aggregate is instead a
--     correlated lookup on an account_id index for this chunk's accounts only.
-- Both compute exactly the definitions above (the conformance tests compare
-- sharded with unsharded output, and both with SQLite and MySQL).
-- JIT is turned off for the job's session (source/postgresql): this
-- statement's estimated cost passes jit_above_cost, and compiling it took
-- about 1 s per chunk, longer than running it.
WITH chunk AS MATERIALIZED (
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
),
-- ---- unsharded: every table once, over the id range of the chunk ----
span AS MATERIALIZED (
    SELECT (SELECT c.id FROM chunk AS c ORDER BY c.id DESC LIMIT 1) AS last
),
-- The users of the range's accounts: read once, for the user counts, the
-- identities and the active-user join.
members AS MATERIALIZED (
    SELECT u.account_id, u.id, u.active, u.role, u.created_at
    FROM users AS u
    WHERE u.account_id > $1::uuid AND u.account_id <= (SELECT last FROM span)
),
people AS (
    SELECT m.account_id,
           count(*) FILTER (WHERE m.active AND m.role <> 'system') AS user_count,
           -- The earliest by (created_at, id), as ORDER BY ... LIMIT 1 picks it.
           (array_agg(m.id ORDER BY m.created_at, m.id) FILTER (WHERE m.role = 'system'))[1] AS system_user_id,
           (array_agg(m.id ORDER BY m.created_at, m.id) FILTER (WHERE m.role = 'owner' AND m.active))[1]
               AS owner_user_id
    FROM members AS m
    GROUP BY m.account_id
),
-- Distinct creators of the window's events first, then which of them are
-- non-system users of the same account (users.id is unique: at most one
-- match each, so the count is count(DISTINCT creator_id) of the join).
active AS (
    SELECT d.account_id, count(*) AS active_users
    FROM (SELECT DISTINCT e.account_id, e.creator_id
            FROM events AS e
           WHERE e.account_id > $1::uuid AND e.account_id <= (SELECT last FROM span)
             AND e.created_at >= $4::timestamp AND e.created_at < $5::timestamp) AS d
    JOIN members AS m ON m.id = d.creator_id AND m.account_id = d.account_id AND m.role <> 'system'
    GROUP BY d.account_id
),
board_counts AS (
    SELECT b.account_id, count(*) AS boards
    FROM boards AS b
    WHERE b.account_id > $1::uuid AND b.account_id <= (SELECT last FROM span)
    GROUP BY b.account_id
),
webhook_counts AS (
    SELECT w.account_id, count(*) AS webhooks
    FROM webhooks AS w
    WHERE w.account_id > $1::uuid AND w.account_id <= (SELECT last FROM span) AND w.active
    GROUP BY w.account_id
),
join_codes AS (
    SELECT DISTINCT j.account_id
    FROM account_join_codes AS j
    WHERE j.account_id > $1::uuid AND j.account_id <= (SELECT last FROM span)
),
-- The earliest row by (created_at, id), as ORDER BY ... LIMIT 1 picks it.
entropy AS (
    SELECT DISTINCT ON (en.container_id) en.container_id, en.auto_postpone_period
    FROM entropies AS en
    WHERE en.container_type = 'Account'
      AND en.container_id > $1::uuid AND en.container_id <= (SELECT last FROM span)
    ORDER BY en.container_id, en.created_at, en.id
),
-- (owner_type, owner_id) is unique in Fizzy; should a damaged database hold
-- two rows, the earliest one is used, never both.
totals AS MATERIALIZED (
    SELECT DISTINCT ON (t.owner_id) t.owner_id, t.bytes_stored, t.last_entry_id
    FROM storage_totals AS t
    WHERE t.owner_type = 'Account'
      AND t.owner_id > $1::uuid AND t.owner_id <= (SELECT last FROM span)
    ORDER BY t.owner_id, t.created_at, t.id
),
-- The ledger's entries after the total's last_entry_id (all of them when
-- it is NULL or there is no total).
pending AS (
    SELECT se.account_id, sum(se.delta) AS delta
    FROM storage_entries AS se
    LEFT JOIN totals AS t ON t.owner_id = se.account_id
    WHERE se.account_id > $1::uuid AND se.account_id <= (SELECT last FROM span)
      AND (t.last_entry_id IS NULL OR se.id > t.last_entry_id)
    GROUP BY se.account_id
)
SELECT *
FROM (
SELECT
    c.id::text AS id,
    c.name,
    to_char(c.created_at, 'YYYY-MM-DD HH24:MI:SS.US') AS created_at,
    c.cards_count,
    coalesce(p.user_count, 0) AS user_count,
    coalesce(bc.boards, 0) AS board_count,
    coalesce(au.active_users, 0) AS active_user_count_30d,
    -- Exact (numeric) and returned as text: a ledger past 64 bits is that
    -- account's defect (reported as failed), not an error that stops the run.
    (coalesce(t.bytes_stored, 0)::numeric + coalesce(pe.delta, 0))::text AS storage_used_bytes,
    coalesce(wc.webhooks, 0) AS webhook_count,
    jc.account_id IS NOT NULL AS has_join_code,
    en.auto_postpone_period AS entropy_period_seconds,
    p.system_user_id::text AS system_user_id,
    p.owner_user_id::text AS owner_user_id
FROM chunk AS c
LEFT JOIN people AS p ON p.account_id = c.id
LEFT JOIN active AS au ON au.account_id = c.id
LEFT JOIN board_counts AS bc ON bc.account_id = c.id
LEFT JOIN webhook_counts AS wc ON wc.account_id = c.id
LEFT JOIN join_codes AS jc ON jc.account_id = c.id
LEFT JOIN entropy AS en ON en.container_id = c.id
LEFT JOIN totals AS t ON t.owner_id = c.id
LEFT JOIN pending AS pe ON pe.account_id = c.id
WHERE $6::integer = 1

UNION ALL

-- ---- sharded: correlated lookups for this chunk's accounts only ----
SELECT
    c.id::text AS id,
    c.name,
    to_char(c.created_at, 'YYYY-MM-DD HH24:MI:SS.US') AS created_at,
    c.cards_count,
    (SELECT count(*) FROM users AS u
      WHERE u.account_id = c.id AND u.active AND u.role <> 'system') AS user_count,
    (SELECT count(*) FROM boards AS b WHERE b.account_id = c.id) AS board_count,
    -- Distinct creators first, then the users join (as above): reading the
    -- account's events through index_events_on_creator_id once per user
    -- (the plan the plain join gets) was 5 times slower.
    (SELECT count(*)
       FROM (SELECT DISTINCT e.creator_id FROM events AS e
              WHERE e.account_id = c.id
                AND e.created_at >= $4::timestamp AND e.created_at < $5::timestamp) AS d
       JOIN users AS u ON u.id = d.creator_id
      WHERE u.account_id = c.id AND u.role <> 'system') AS active_user_count_30d,
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
-- The earliest totals row, as above.
LEFT JOIN LATERAL (SELECT t.bytes_stored, t.last_entry_id FROM storage_totals AS t
                    WHERE t.owner_type = 'Account' AND t.owner_id = c.id
                    ORDER BY t.created_at, t.id LIMIT 1) AS st ON true
WHERE $6::integer <> 1
) AS chunk_traits
-- The text of a uuid sorts bytewise like the uuid itself.
ORDER BY chunk_traits.id COLLATE "C"
