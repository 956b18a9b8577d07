-- The plan in force for each account with :after < id <= :last (SPEC §3
-- Billing): the most recently created subscription that is active, trialing
-- or past_due and names a plan; ties on created_at go to the larger id. Same
-- semantics as sqlite/account_plans.sql.
--
-- Parameters, by name (see account_traits.sql):
--   :after  TEXT  the chunk's keyset cursor as 32 hex digits (exclusive)
--   :last   TEXT  the chunk's last account id as 32 hex digits (inclusive)
SELECT ranked.account_id, ranked.plan_key
FROM (
    SELECT s.account_id, s.plan_key,
           ROW_NUMBER() OVER (PARTITION BY s.account_id ORDER BY s.created_at DESC, s.id DESC) AS pick
    FROM account_subscriptions AS s
    WHERE s.account_id > UNHEX(:after) AND s.account_id <= UNHEX(:last)
      AND CAST(s.status AS BINARY) IN ('active', 'trialing', 'past_due')
      AND s.plan_key IS NOT NULL
) AS ranked
WHERE ranked.pick = 1
ORDER BY ranked.account_id
