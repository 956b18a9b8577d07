-- The plan in force for each account with :after < id <= :last (SPEC §3
-- Billing): the most recently created subscription that is active, trialing
-- or past_due and names a plan; ties on created_at go to the larger id.
SELECT ranked.account_id, ranked.plan_key
FROM (
    SELECT s.account_id, s.plan_key,
           row_number() OVER (PARTITION BY s.account_id ORDER BY s.created_at DESC, s.id DESC) AS pick
    FROM account_subscriptions AS s
    WHERE s.account_id > :after AND s.account_id <= :last
      AND s.status IN ('active', 'trialing', 'past_due')
      AND s.plan_key IS NOT NULL
) AS ranked
WHERE ranked.pick = 1
ORDER BY ranked.account_id
