-- How many accounts a run will send (SPEC §2): the eligibility rules of
-- account_traits.sql, counted. Same parameters, minus the chunk ones.
SELECT count(*)
FROM accounts AS a
WHERE length(a.id) = 16
  AND (a.created_at < :created_before OR a.created_at IS NULL OR julianday(a.created_at) IS NULL)
  AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id)
  AND NOT EXISTS (SELECT 1 FROM account_imports AS ai
                  WHERE ai.account_id = a.id AND ai.status IN ('pending', 'processing', 'failed'))
  AND (:shard_count = 1 OR snapshot_shard(a.id, :shard_count) = :shard_index)
