-- Leasehold lease schema, version 1, for PostgreSQL 12 or later.
--
-- One row per address: the primary key is what makes two nodes unable to lease one address
-- twice (the first committed INSERT wins). IPv4 addresses are BIGINT and IPv6 addresses
-- NUMERIC(39,0), so the gap search of findUnleased can subtract them. Times are Unix seconds.
-- Every secondary index carries subnet_id, and every lookup that knows the subnet names it,
-- so the tables can later be distributed by subnet_id.
-- NOTE: a distributed engine (Citus) needs subnet_id in the primary key too; that change
-- belongs to the migration that introduces distribution.

CREATE TABLE leasehold_schema_version (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE leasehold_lease4 (
    address BIGINT PRIMARY KEY CHECK (address BETWEEN 0 AND 4294967295),
    subnet_id BIGINT NOT NULL,
    hwaddr BYTEA NOT NULL,
    hwtype INTEGER NOT NULL,
    client_id BYTEA NOT NULL,
    valid_lifetime BIGINT NOT NULL,
    cltt BIGINT NOT NULL,
    fqdn_fwd BOOLEAN NOT NULL,
    fqdn_rev BOOLEAN NOT NULL,
    hostname TEXT NOT NULL,
    state INTEGER NOT NULL,
    user_context TEXT NOT NULL,
    pool_id BIGINT NOT NULL,
    expire BIGINT NOT NULL
);

CREATE INDEX leasehold_lease4_by_hwaddr ON leasehold_lease4 (hwaddr, subnet_id);
CREATE INDEX leasehold_lease4_by_client_id ON leasehold_lease4 (client_id, subnet_id);
CREATE INDEX leasehold_lease4_by_subnet ON leasehold_lease4 (subnet_id, address);
CREATE INDEX leasehold_lease4_by_state_expire ON leasehold_lease4 (state, expire, subnet_id);
CREATE INDEX leasehold_lease4_by_hostname ON leasehold_lease4 (lower(hostname), subnet_id);

CREATE TABLE leasehold_lease6 (
    address NUMERIC(39, 0) PRIMARY KEY
        CHECK (address BETWEEN 0 AND 340282366920938463463374607431768211455),
    prefix_length SMALLINT NOT NULL,
    lease_type SMALLINT NOT NULL,
    duid BYTEA NOT NULL,
    iaid BIGINT NOT NULL,
    preferred_lifetime BIGINT NOT NULL,
    valid_lifetime BIGINT NOT NULL,
    cltt BIGINT NOT NULL,
    subnet_id BIGINT NOT NULL,
    fqdn_fwd BOOLEAN NOT NULL,
    fqdn_rev BOOLEAN NOT NULL,
    hostname TEXT NOT NULL,
    hwaddr BYTEA NOT NULL,
    hwtype INTEGER NOT NULL,
    hwaddr_source BIGINT NOT NULL,
    state INTEGER NOT NULL,
    user_context TEXT NOT NULL,
    pool_id BIGINT NOT NULL,
    expire BIGINT NOT NULL
);

CREATE INDEX leasehold_lease6_by_duid ON leasehold_lease6 (duid, iaid, lease_type, subnet_id);
CREATE INDEX leasehold_lease6_by_hwaddr ON leasehold_lease6 (hwaddr, subnet_id);
CREATE INDEX leasehold_lease6_by_subnet ON leasehold_lease6 (subnet_id, address);
CREATE INDEX leasehold_lease6_by_state_expire ON leasehold_lease6 (state, expire, subnet_id);
CREATE INDEX leasehold_lease6_by_hostname ON leasehold_lease6 (lower(hostname), subnet_id);
