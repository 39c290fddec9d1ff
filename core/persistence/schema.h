#pragma once
// The tables, in portable SQL (SQLite and PostgreSQL): version 1, then the steps that take a
// database from one version to the next. A new database runs every step in order.

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

// Version 2: identities carry roles, entries are kept per owner, invitations wait for consent,
// deleted shares are kept as tombstones, relays of a group are versioned records.
inline constexpr const char* kVersion2[] = {
    // A deferred message is retried as the peer its transport proved, role included.
    "ALTER TABLE deferred_messages ADD COLUMN sender_role INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE deferred_messages ADD COLUMN sender_home VARCHAR(255) NOT NULL DEFAULT ''",
    // One row per (share, name, owner): each owner writes only its own rows, so every replica
    // merges the same way whatever the order (docs/protocol.md, "Versions").
    "CREATE TABLE resource_entries_v2 (share_id VARCHAR(255) NOT NULL, name VARCHAR(1024) NOT NULL,"
    " owner VARCHAR(255) NOT NULL, location VARCHAR(4096) NOT NULL, status VARCHAR(64) NOT NULL,"
    " kind VARCHAR(16) NOT NULL, modified_ms BIGINT NOT NULL, size BIGINT NOT NULL, hash VARCHAR(255) NOT NULL,"
    " version BIGINT NOT NULL, removed INTEGER NOT NULL, stored_ms BIGINT NOT NULL DEFAULT 0,"
    " PRIMARY KEY (share_id, name, owner))",
    // stored_ms 0: stored before this version; a tombstone's age then counts from the first pruning.
    "INSERT INTO resource_entries_v2 SELECT share_id, name, owner, location, status, kind, modified_ms, size, hash,"
    " version, removed, 0 FROM resource_entries",
    "DROP TABLE resource_entries",
    "ALTER TABLE resource_entries_v2 RENAME TO resource_entries",
    "CREATE INDEX IF NOT EXISTS resource_entries_by_location ON resource_entries (owner, location)",
    // group-info from a relay inviting this one into a group it does not know, until an operator
    // (or the profile's allow-list) accepts or refuses it.
    "CREATE TABLE IF NOT EXISTS invitations (group_id VARCHAR(255) PRIMARY KEY, inviter VARCHAR(255) NOT NULL,"
    " message_id VARCHAR(512) NOT NULL, body TEXT NOT NULL, received_ms BIGINT NOT NULL)",
    // Per sender and epoch of its database, the highest message number taken (protocol/message_id.h):
    // what was seen grows with senders, not with history.
    "CREATE TABLE IF NOT EXISTS peer_sequences (sender VARCHAR(255) NOT NULL, epoch VARCHAR(32) NOT NULL,"
    " high_water BIGINT NOT NULL, last_ms BIGINT NOT NULL, PRIMARY KEY (sender, epoch))",
    "DROP TABLE seen_messages",
    // Each destination's messages are read in order, one destination at a time.
    "CREATE INDEX IF NOT EXISTS outbox_by_destination ON outbox (destination, seq)",
    // A share its creator deleted is kept, without entries, so that no late message revives it.
    "ALTER TABLE shares ADD COLUMN removed INTEGER NOT NULL DEFAULT 0",
    // A relay's membership of a group is versioned; a removed relay's record is kept (a
    // tombstone) so that no late group-info brings it back.
    "ALTER TABLE group_relays ADD COLUMN version BIGINT NOT NULL DEFAULT 1",
    "ALTER TABLE group_relays ADD COLUMN removed INTEGER NOT NULL DEFAULT 0",
    // Groups this relay was removed from or left, with its own record's version then: only an
    // invitation with a newer one brings it back in.
    "CREATE TABLE IF NOT EXISTS left_groups (group_id VARCHAR(255) PRIMARY KEY, version BIGINT NOT NULL)",
};

// Version 3: deferred messages are indexed by what they wait for and counted in bytes, and a
// terminal keeps the checks it was asked for until it has done them.
inline constexpr const char* kVersion3[] = {
    // The dependency key (engine/dependency.h); '' for messages deferred before: retried once.
    "ALTER TABLE deferred_messages ADD COLUMN waits_for VARCHAR(1024) NOT NULL DEFAULT ''",
    "ALTER TABLE deferred_messages ADD COLUMN bytes BIGINT NOT NULL DEFAULT 0",
    "UPDATE deferred_messages SET bytes = LENGTH(payload)",
    "CREATE INDEX IF NOT EXISTS deferred_by_dependency ON deferred_messages (waits_for, seq)",
    "CREATE INDEX IF NOT EXISTS deferred_by_sender ON deferred_messages (sender)",
    // A synchronize instruction taken (and acknowledged) but not yet checked: the disk is read
    // without the node's lock, after the message's transaction, and a restart finishes it.
    "CREATE TABLE IF NOT EXISTS pending_checks (seq BIGINT PRIMARY KEY, body TEXT NOT NULL)",
    // When a deleted share's tombstone was first seen by the pruning: it goes after the retention.
    "ALTER TABLE shares ADD COLUMN removed_ms BIGINT NOT NULL DEFAULT 0",
};

// Version 4: the identity of each store's root as last accepted (ResourceStore::probe), so that
// a replaced or unmounted root is not read as "everything is gone", across restarts too.
inline constexpr const char* kVersion4[] = {
    "CREATE TABLE IF NOT EXISTS store_roots (prefix VARCHAR(255) PRIMARY KEY, identity VARCHAR(1024) NOT NULL,"
    " accepted_ms BIGINT NOT NULL)",
};

// Version 5, SQLite's storage only (a PostgreSQL port runs nothing here: its tables are heaps
// and its keys indexes anyway). Every message hop writes the outbox and peer_sequences; each was
// a table plus a separate index of its key, two B-trees written per row. Now the key is the
// table's own: the outbox's seq is SQLite's rowid (INTEGER PRIMARY KEY, 64 bits in SQLite), and
// peer_sequences is a WITHOUT ROWID table. About 1.8 fewer pages (4 KiB each) written per hop.
// Both tables stay small (what waits to be sent; one row per sender and epoch), so this costs
// little even on a large database.
inline constexpr const char* kVersion5Sqlite[] = {
    "CREATE TABLE outbox_v5 (seq INTEGER PRIMARY KEY, destination VARCHAR(255) NOT NULL, payload TEXT NOT NULL)",
    "INSERT INTO outbox_v5 (seq, destination, payload) SELECT seq, destination, payload FROM outbox",
    "DROP TABLE outbox",
    "ALTER TABLE outbox_v5 RENAME TO outbox",
    "CREATE INDEX IF NOT EXISTS outbox_by_destination ON outbox (destination, seq)",
    "CREATE TABLE peer_sequences_v5 (sender VARCHAR(255) NOT NULL, epoch VARCHAR(32) NOT NULL,"
    " high_water BIGINT NOT NULL, last_ms BIGINT NOT NULL, PRIMARY KEY (sender, epoch)) WITHOUT ROWID",
    "INSERT INTO peer_sequences_v5 (sender, epoch, high_water, last_ms)"
    " SELECT sender, epoch, high_water, last_ms FROM peer_sequences",
    "DROP TABLE peer_sequences",
    "ALTER TABLE peer_sequences_v5 RENAME TO peer_sequences",
};

}  // namespace relaysync::core::schema
