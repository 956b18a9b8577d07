-- Fizzy SaaS's billing table (absent from self-hosted databases); demo and
-- test databases only.
CREATE TABLE account_subscriptions (
    id uuid NOT NULL PRIMARY KEY,
    account_id uuid NOT NULL,
    plan_key varchar(255),
    stripe_customer_id varchar(255) NOT NULL,
    stripe_subscription_id varchar(255),
    status varchar(255),
    current_period_end timestamp(6),
    cancel_at timestamp(6),
    next_amount_due_in_cents integer,
    created_at timestamp(6) NOT NULL,
    updated_at timestamp(6) NOT NULL
);
CREATE INDEX index_account_subscriptions_on_account_id ON account_subscriptions (account_id);
CREATE UNIQUE INDEX index_account_subscriptions_on_stripe_customer_id ON account_subscriptions (stripe_customer_id);
CREATE UNIQUE INDEX index_account_subscriptions_on_stripe_subscription_id ON account_subscriptions (stripe_subscription_id);
