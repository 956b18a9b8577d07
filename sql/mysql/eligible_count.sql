-- How many accounts a run will send (SPEC §2): the eligibility rules of
-- account_traits.sql, counted.
--
-- Parameters, by name (see account_traits.sql):
--   :created_before  TEXT  as_of + 1 microsecond
--   :shard_count     INT   1 when unsharded
--   :shard_index     INT   0-based
SELECT COUNT(*)
FROM accounts AS a
WHERE (a.created_at < CAST(:created_before AS DATETIME(6)) OR a.created_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id)
  AND NOT EXISTS (SELECT 1 FROM account_imports AS ai
                  WHERE ai.account_id = a.id
                    AND CAST(ai.status AS BINARY) IN ('pending', 'processing', 'failed'))
  AND (:shard_count = 1
       OR CAST(CONV(LEFT(SHA2(a.id, 256), 8), 16, 10) AS UNSIGNED) % :shard_count = :shard_index)
