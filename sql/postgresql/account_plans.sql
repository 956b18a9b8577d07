-- The plan in force for each account with $1 < id <= $2 (SPEC §3 Billing):
-- the most recently created subscription that is active, trialing or
-- past_due and names a plan; ties on created_at go to the larger id. Same
-- semantics as sqlite/account_plans.sql.
--
-- Parameters (positional, sent as text):
--   $1  uuid  after: the chunk's keyset cursor (exclusive)
--   $2  uuid  last: the chunk's last account id (inclusive)
SELECT ranked.account_id::text AS account_id, ranked.plan_key
FROM (
    SELECT s.account_id, s.plan_key,
           row_number() OVER (PARTITION BY s.account_id ORDER BY s.created_at DESC, s.id DESC) AS pick
    FROM account_subscriptions AS s
    WHERE s.account_id > $1::uuid AND s.account_id <= $2::uuid
      AND s.status IN ('active', 'trialing', 'past_due')
      AND s.plan_key IS NOT NULL
) AS ranked
WHERE ranked.pick = 1
ORDER BY ranked.account_id
