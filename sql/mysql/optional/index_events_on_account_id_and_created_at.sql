-- Optional index for snapshot-sync (MySQL/MariaDB). Never applied by the job:
-- review it and run it yourself, e.g.
--   mariadb -h HOST -u USER -p fizzy < index_events_on_account_id_and_created_at.sql
--
-- active_user_count_30d counts the distinct creators of an account's events
-- in the 30 days before as_of. Fizzy indexes events by (account_id, action),
-- so the query reads every event of the account (about 100 per account in
-- the benchmark, most older than 30 days) from the clustered primary key to
-- look at created_at and creator_id. With (account_id, created_at,
-- creator_id) it reads only the window's entries, from the index alone (a
-- covering range scan). bench/run.sh measures the run with and without it.
--
-- InnoDB builds it online (ALGORITHM=INPLACE, LOCK=NONE): Fizzy keeps
-- writing meanwhile. Cost: one more index on events to maintain on insert.
CREATE INDEX IF NOT EXISTS index_events_on_account_id_and_created_at
    ON events (account_id, created_at, creator_id) ALGORITHM=INPLACE LOCK=NONE;

-- To remove it:
--   DROP INDEX IF EXISTS index_events_on_account_id_and_created_at ON events;
