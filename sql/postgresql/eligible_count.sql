-- How many accounts a run will send (SPEC §2): the eligibility rules of
-- account_traits.sql, counted.
--
-- Parameters (positional, sent as text):
--   $1  timestamp  created_before: as_of + 1 microsecond
--   $2  integer    shard_count: 1 when unsharded
--   $3  integer    shard_index: 0-based
SELECT count(*)
FROM accounts AS a
WHERE (a.created_at < $1::timestamp OR a.created_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id)
  AND NOT EXISTS (SELECT 1 FROM account_imports AS ai
                  WHERE ai.account_id = a.id AND ai.status IN ('pending', 'processing', 'failed'))
  AND ($2::integer = 1
       OR ('x' || encode(substring(sha256(uuid_send(a.id)) FROM 1 FOR 4), 'hex'))::bit(32)::bigint
          % $2::integer = $3::integer)
