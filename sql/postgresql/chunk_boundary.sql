-- The last account of the chunk after $1, for reading chunks in parallel
-- (source/postgresql): the $5-th eligible account after $1 in id order, where
-- the chunk after that one starts; no row when fewer remain (the chunk after
-- $1 is then the last). The
-- eligibility rules are account_traits.sql's chunk, as in eligible_count.sql.
--
-- Parameters (positional, sent as text):
--   $1  uuid       after: keyset cursor
--   $2  timestamp  created_before: as_of + 1 microsecond
--   $3  integer    shard_count: 1 when unsharded
--   $4  integer    shard_index: 0-based
--   $5  bigint     chunk_size
SELECT a.id::text
FROM accounts AS a
WHERE a.id > $1::uuid
  AND (a.created_at < $2::timestamp OR a.created_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM account_cancellations AS ac WHERE ac.account_id = a.id)
  AND NOT EXISTS (SELECT 1 FROM account_imports AS ai
                  WHERE ai.account_id = a.id AND ai.status IN ('pending', 'processing', 'failed'))
  AND ($3::integer = 1
       OR ('x' || encode(substring(sha256(uuid_send(a.id)) FROM 1 FOR 4), 'hex'))::bit(32)::bigint
          % $3::integer = $4::integer)
ORDER BY a.id
OFFSET $5::bigint - 1
LIMIT 1
