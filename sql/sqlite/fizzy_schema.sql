-- Fizzy's tables as the snapshot reads them (from Fizzy's public db/schema.rb), for
-- demo and test databases only: the job never creates or changes tables in
-- the application database. SQLite flavour of db/schema_sqlite.rb.
CREATE TABLE accounts (
    id blob(16) NOT NULL PRIMARY KEY,
    cards_count bigint NOT NULL DEFAULT 0,
    created_at datetime(6) NOT NULL,
    external_account_id bigint,
    name varchar(255) NOT NULL,
    updated_at datetime(6) NOT NULL
);
CREATE UNIQUE INDEX index_accounts_on_external_account_id ON accounts (external_account_id);

CREATE TABLE users (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16) NOT NULL,
    active boolean NOT NULL DEFAULT 1,
    created_at datetime(6) NOT NULL,
    identity_id blob(16),
    name varchar(255) NOT NULL,
    role varchar(255) NOT NULL DEFAULT 'member',
    updated_at datetime(6) NOT NULL,
    verified_at datetime(6)
);
CREATE UNIQUE INDEX index_users_on_account_id_and_identity_id ON users (account_id, identity_id);
CREATE INDEX index_users_on_account_id_and_role ON users (account_id, role);
CREATE INDEX index_users_on_identity_id ON users (identity_id);

CREATE TABLE boards (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16) NOT NULL,
    all_access boolean NOT NULL DEFAULT 0,
    created_at datetime(6) NOT NULL,
    creator_id blob(16) NOT NULL,
    name varchar(255) NOT NULL,
    updated_at datetime(6) NOT NULL
);
CREATE INDEX index_boards_on_account_id ON boards (account_id);
CREATE INDEX index_boards_on_creator_id ON boards (creator_id);

CREATE TABLE cards (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16) NOT NULL,
    board_id blob(16) NOT NULL,
    column_id blob(16),
    created_at datetime(6) NOT NULL,
    creator_id blob(16) NOT NULL,
    due_on date,
    last_active_at datetime(6) NOT NULL,
    number bigint NOT NULL,
    status varchar(255) NOT NULL DEFAULT 'drafted',
    title varchar(255),
    updated_at datetime(6) NOT NULL
);
CREATE INDEX index_cards_on_account_id_and_board_id_and_status ON cards (account_id, board_id, status);
CREATE INDEX index_cards_on_account_id_and_last_active_at_and_status ON cards (account_id, last_active_at, status);
CREATE UNIQUE INDEX index_cards_on_account_id_and_number ON cards (account_id, number);
CREATE INDEX index_cards_on_board_id ON cards (board_id);
CREATE INDEX index_cards_on_column_id ON cards (column_id);

CREATE TABLE events (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16) NOT NULL,
    action varchar(255) NOT NULL,
    board_id blob(16) NOT NULL,
    created_at datetime(6) NOT NULL,
    creator_id blob(16) NOT NULL,
    eventable_id blob(16) NOT NULL,
    eventable_type varchar(255) NOT NULL,
    particulars json DEFAULT '{}',
    updated_at datetime(6) NOT NULL
);
CREATE INDEX index_events_on_account_id_and_action ON events (account_id, action);
CREATE INDEX index_events_on_board_id_and_action_and_created_at ON events (board_id, action, created_at);
CREATE INDEX index_events_on_board_id ON events (board_id);
CREATE INDEX index_events_on_creator_id ON events (creator_id);
CREATE INDEX index_events_on_eventable ON events (eventable_type, eventable_id);

CREATE TABLE webhooks (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16) NOT NULL,
    active boolean NOT NULL DEFAULT 1,
    board_id blob(16) NOT NULL,
    created_at datetime(6) NOT NULL,
    name varchar(255),
    signing_secret varchar(255) NOT NULL,
    subscribed_actions text,
    updated_at datetime(6) NOT NULL,
    url text NOT NULL
);
CREATE INDEX index_webhooks_on_account_id ON webhooks (account_id);

CREATE TABLE storage_totals (
    id blob(16) NOT NULL PRIMARY KEY,
    bytes_stored bigint NOT NULL DEFAULT 0,
    created_at datetime(6) NOT NULL,
    last_entry_id blob(16),
    owner_id blob(16) NOT NULL,
    owner_type varchar(255) NOT NULL,
    updated_at datetime(6) NOT NULL
);
CREATE UNIQUE INDEX index_storage_totals_on_owner ON storage_totals (owner_type, owner_id);

CREATE TABLE storage_entries (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16) NOT NULL,
    blob_id blob(16),
    board_id blob(16),
    created_at datetime(6) NOT NULL,
    delta bigint NOT NULL,
    operation varchar(255) NOT NULL,
    recordable_id blob(16),
    recordable_type varchar(255),
    request_id varchar(255),
    user_id blob(16)
);
CREATE INDEX index_storage_entries_on_account_id ON storage_entries (account_id);
CREATE INDEX index_storage_entries_on_board_id ON storage_entries (board_id);
CREATE INDEX index_storage_entries_on_recordable ON storage_entries (recordable_type, recordable_id);

CREATE TABLE account_join_codes (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16) NOT NULL,
    code varchar(255) NOT NULL,
    created_at datetime(6) NOT NULL,
    updated_at datetime(6) NOT NULL,
    usage_count bigint NOT NULL DEFAULT 0,
    usage_limit bigint NOT NULL DEFAULT 10
);
CREATE UNIQUE INDEX index_account_join_codes_on_account_id_and_code ON account_join_codes (account_id, code);

CREATE TABLE account_cancellations (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16) NOT NULL,
    created_at datetime(6) NOT NULL,
    initiated_by_id blob(16) NOT NULL,
    updated_at datetime(6) NOT NULL
);
CREATE UNIQUE INDEX index_account_cancellations_on_account_id ON account_cancellations (account_id);

CREATE TABLE account_imports (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16),
    completed_at datetime(6),
    created_at datetime(6) NOT NULL,
    failure_reason varchar(255),
    identity_id blob(16) NOT NULL,
    status varchar(255) NOT NULL DEFAULT 'pending',
    updated_at datetime(6) NOT NULL
);
CREATE INDEX index_account_imports_on_account_id ON account_imports (account_id);

CREATE TABLE entropies (
    id blob(16) NOT NULL PRIMARY KEY,
    account_id blob(16) NOT NULL,
    auto_postpone_period bigint NOT NULL DEFAULT 2592000,
    container_id blob(16) NOT NULL,
    container_type varchar(255) NOT NULL,
    created_at datetime(6) NOT NULL,
    updated_at datetime(6) NOT NULL
);
CREATE UNIQUE INDEX index_entropies_on_container ON entropies (container_type, container_id);
