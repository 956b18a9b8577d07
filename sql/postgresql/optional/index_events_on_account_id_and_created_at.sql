-- Optional index for snapshot-sync (PostgreSQL). Never applied by the job:
-- review it and run it yourself, e.g.
--   psql "$DATABASE_URL" -f index_events_on_account_id_and_created_at.sql
--
-- active_user_count_30d counts the distinct creators of an account's events
-- in the 30 days before as_of. Fizzy indexes events by (account_id, action),
-- so the query reads every event of the account (about 100 per account in
-- the benchmark, most of them older than 30 days) from the table to look at
-- created_at. With (account_id, created_at, creator_id) it reads only the
-- window's entries, from the index alone (an index-only scan once the table
-- has been vacuumed). bench/run.sh measures the run with and without it.
--
-- CONCURRENTLY: builds without blocking Fizzy's writes (cannot run inside a
-- transaction block). Cost: one more index on events to maintain on insert.
CREATE INDEX CONCURRENTLY IF NOT EXISTS index_events_on_account_id_and_created_at
    ON events (account_id, created_at, creator_id);

-- To remove it:
--   DROP INDEX CONCURRENTLY IF EXISTS index_events_on_account_id_and_created_at;
