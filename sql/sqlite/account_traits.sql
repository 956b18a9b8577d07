-- One chunk of eligible accounts (SPEC §2) and their traits (SPEC §3), in id
-- order, for Fizzy's SQLite schema (ids are 16-byte BLOBs, datetimes are text
-- 'YYYY-MM-DD HH:MM:SS.ffffff', booleans are 0/1).
--
-- Parameters (bound by name):
--   :after           BLOB   keyset cursor: only ids greater than this one
--   :chunk_size      INT    accounts per chunk
--   :created_before  TEXT   as_of + 1 microsecond: created_at <= as_of
--   :window_start    TEXT   as_of - 30 days, inclusive
--   :as_of           TEXT   the snapshot instant, exclusive
--   :shard_count     INT    1 when unsharded
--   :shard_index     INT    0-based; snapshot_shard() is registered by the job
--
-- Every aggregate is a correlated lookup on an account_id index, evaluated
-- for the accounts of this chunk only.
WITH chunk AS (
    SELECT a.id, a.name, a.created_at, a.cards_count
    FROM accounts AS a
    WHERE a.id > :after
      AND length(a.id) = 16  -- a malformed id names no account (the job warns about them)
      -- A NULL or unreadable created_at cannot be shown to be after as_of: the
      -- account is read, and reported as failed, never silently left out.
      AND (a.created_at < :created_before OR a.created_at IS NULL OR julianday(a.created_at) IS NULL)
      AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id)
      AND NOT EXISTS (SELECT 1 FROM account_imports AS ai
                      WHERE ai.account_id = a.id AND ai.status IN ('pending', 'processing', 'failed'))
      AND (:shard_count = 1 OR snapshot_shard(a.id, :shard_count) = :shard_index)
    ORDER BY a.id
    LIMIT :chunk_size
)
SELECT
    c.id,
    c.name,
    c.created_at,
    c.cards_count,
    (SELECT count(*) FROM users AS u
      WHERE u.account_id = c.id AND u.active = 1 AND u.role <> 'system') AS user_count,
    (SELECT count(*) FROM boards AS b WHERE b.account_id = c.id) AS board_count,
    (SELECT count(DISTINCT e.creator_id)
       FROM events AS e
       JOIN users AS u ON u.id = e.creator_id
      WHERE e.account_id = c.id
        AND e.created_at >= :window_start AND e.created_at < :as_of
        AND u.account_id = c.id AND u.role <> 'system') AS active_user_count_30d,
    -- snapshot_sum() is registered by the job: an exact sum, or a real when the
    -- ledger overflows 64 bits or holds a value that is not an integer (that
    -- account is then reported as failed, and the query goes on).
    coalesce((SELECT snapshot_sum(ledger.bytes) FROM (
                  SELECT st.bytes_stored AS bytes
                  UNION ALL
                  SELECT se.delta FROM storage_entries AS se
                   WHERE se.account_id = c.id
                     AND (st.last_entry_id IS NULL OR se.id > st.last_entry_id)) AS ledger), 0) AS storage_used_bytes,
    (SELECT count(*) FROM webhooks AS w WHERE w.account_id = c.id AND w.active = 1) AS webhook_count,
    EXISTS (SELECT 1 FROM account_join_codes AS j WHERE j.account_id = c.id) AS has_join_code,
    (SELECT en.auto_postpone_period FROM entropies AS en
      WHERE en.container_type = 'Account' AND en.container_id = c.id
      ORDER BY en.created_at, en.id LIMIT 1) AS entropy_period_seconds,
    (SELECT u.id FROM users AS u
      WHERE u.account_id = c.id AND u.role = 'system'
      ORDER BY u.created_at, u.id LIMIT 1) AS system_user_id,
    (SELECT u.id FROM users AS u
      WHERE u.account_id = c.id AND u.role = 'owner' AND u.active = 1
      ORDER BY u.created_at, u.id LIMIT 1) AS owner_user_id
FROM chunk AS c
-- (owner_type, owner_id) is unique in Fizzy; should a damaged database hold
-- two rows, the earliest one is used, never both.
LEFT JOIN storage_totals AS st
       ON st.id = (SELECT t.id FROM storage_totals AS t
                    WHERE t.owner_type = 'Account' AND t.owner_id = c.id
                    ORDER BY t.created_at, t.id LIMIT 1)
ORDER BY c.id
