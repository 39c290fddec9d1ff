#pragma once
// The tables of schema version 1, in portable SQL (SQLite and PostgreSQL).

namespace relaysync::core::schema {

inline constexpr const char* kVersion1[] = {
    "CREATE TABLE IF NOT EXISTS meta (name VARCHAR(64) PRIMARY KEY, value BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS relay_groups (group_id VARCHAR(255) PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS group_relays (group_id VARCHAR(255) NOT NULL, relay_account VARCHAR(255) NOT NULL,"
    " display_name VARCHAR(255) NOT NULL, PRIMARY KEY (group_id, relay_account))",
    "CREATE TABLE IF NOT EXISTS group_terminals (group_id VARCHAR(255) NOT NULL, terminal_account VARCHAR(255) NOT NULL,"
    " relay_account VARCHAR(255) NOT NULL, display_name VARCHAR(255) NOT NULL, department VARCHAR(255) NOT NULL,"
    " version BIGINT NOT NULL, removed INTEGER NOT NULL, PRIMARY KEY (group_id, terminal_account))",
    "CREATE TABLE IF NOT EXISTS shares (share_id VARCHAR(255) PRIMARY KEY, group_id VARCHAR(255) NOT NULL,"
    " name VARCHAR(255) NOT NULL, creator VARCHAR(255) NOT NULL, version BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS share_members (share_id VARCHAR(255) NOT NULL, account VARCHAR(255) NOT NULL,"
    " PRIMARY KEY (share_id, account))",
    "CREATE TABLE IF NOT EXISTS resource_entries (share_id VARCHAR(255) NOT NULL, name VARCHAR(1024) NOT NULL,"
    " owner VARCHAR(255) NOT NULL, location VARCHAR(4096) NOT NULL, status VARCHAR(64) NOT NULL,"
    " kind VARCHAR(16) NOT NULL, modified_ms BIGINT NOT NULL, size BIGINT NOT NULL, hash VARCHAR(255) NOT NULL,"
    " version BIGINT NOT NULL, removed INTEGER NOT NULL, PRIMARY KEY (share_id, name))",
    // CheckAnotherResourceInfo finds every share listing an entity by its owner and location.
    "CREATE INDEX IF NOT EXISTS resource_entries_by_location ON resource_entries (owner, location)",
    "CREATE TABLE IF NOT EXISTS outbox (seq BIGINT PRIMARY KEY, destination VARCHAR(255) NOT NULL, payload TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS seen_messages (message_id VARCHAR(512) PRIMARY KEY)",
    "CREATE TABLE IF NOT EXISTS deferred_messages (seq BIGINT PRIMARY KEY, sender VARCHAR(255) NOT NULL,"
    " payload TEXT NOT NULL, reason TEXT NOT NULL, attempts INTEGER NOT NULL, deferred_at_ms BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS dead_letters (seq BIGINT PRIMARY KEY, destination VARCHAR(255) NOT NULL,"
    " payload TEXT NOT NULL, reason TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sync_sessions (sync_id VARCHAR(512) PRIMARY KEY, body TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sync_results (sync_id VARCHAR(512) PRIMARY KEY, seq BIGINT NOT NULL, body TEXT NOT NULL)",
};

}  // namespace relaysync::core::schema
