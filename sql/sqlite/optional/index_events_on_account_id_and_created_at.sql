-- Optional index for snapshot-sync (SQLite). Never applied by the job: review
-- it and run it yourself while Fizzy is quiet (it takes the write lock while
-- it builds), e.g.
--   sqlite3 storage/production.sqlite3 < index_events_on_account_id_and_created_at.sql
--
-- active_user_count_30d counts the distinct creators of an account's events
-- in the 30 days before as_of. Fizzy indexes events by (account_id, action),
-- so the query reads every event of the account (about 100 per account in
-- the benchmark, most older than 30 days) from the table to look at
-- created_at. With (account_id, created_at, creator_id) it reads only the
-- window's entries, from the index alone (a covering index).
-- bench/run.sh measures the run with and without it. Cost: one more index
-- on events to maintain on insert.
CREATE INDEX IF NOT EXISTS index_events_on_account_id_and_created_at
    ON events (account_id, created_at, creator_id);

-- To remove it:
--   DROP INDEX IF EXISTS index_events_on_account_id_and_created_at;
