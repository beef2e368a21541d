-- Leasehold lease schema, version 1, for MySQL 8 and MariaDB 10.5 or later (InnoDB).
--
-- One row per address: the primary key is what makes two nodes unable to lease one address
-- twice (the first committed INSERT wins). IPv4 addresses are BIGINT UNSIGNED and IPv6
-- addresses DECIMAL(39,0), so the gap search of findUnleased can subtract them. Times are
-- Unix seconds. Text columns use a binary collation so compare-and-set compares exactly;
-- hostname_lower serves case-insensitive hostname lookups. Every secondary index carries
-- subnet_id, so the tables can later be sharded by subnet_id.
-- NOTE: a sharded engine (Vitess) needs subnet_id in the primary key too; that change belongs
-- to the migration that introduces sharding.
-- Each statement ends with a semicolon at the end of a line: the migration runner splits there.

CREATE TABLE leasehold_schema_version (
    version INT NOT NULL PRIMARY KEY,
    description VARCHAR(255) NOT NULL,
    applied_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE leasehold_lease4 (
    address BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    subnet_id BIGINT UNSIGNED NOT NULL,
    hwaddr VARBINARY(20) NOT NULL,
    hwtype INT UNSIGNED NOT NULL,
    client_id VARBINARY(255) NOT NULL,
    valid_lifetime BIGINT UNSIGNED NOT NULL,
    cltt BIGINT NOT NULL,
    fqdn_fwd TINYINT(1) NOT NULL,
    fqdn_rev TINYINT(1) NOT NULL,
    hostname VARCHAR(255) NOT NULL,
    hostname_lower VARCHAR(255) AS (LOWER(hostname)) STORED,
    state INT UNSIGNED NOT NULL,
    user_context TEXT NOT NULL,
    pool_id BIGINT UNSIGNED NOT NULL,
    expire BIGINT NOT NULL,
    INDEX leasehold_lease4_by_hwaddr (hwaddr, subnet_id),
    INDEX leasehold_lease4_by_client_id (client_id, subnet_id),
    INDEX leasehold_lease4_by_subnet (subnet_id, address),
    INDEX leasehold_lease4_by_state_expire (state, expire, subnet_id),
    INDEX leasehold_lease4_by_hostname (hostname_lower, subnet_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE leasehold_lease6 (
    address DECIMAL(39, 0) UNSIGNED NOT NULL PRIMARY KEY,
    prefix_length TINYINT UNSIGNED NOT NULL,
    lease_type TINYINT UNSIGNED NOT NULL,
    duid VARBINARY(130) NOT NULL,
    iaid BIGINT UNSIGNED NOT NULL,
    preferred_lifetime BIGINT UNSIGNED NOT NULL,
    valid_lifetime BIGINT UNSIGNED NOT NULL,
    cltt BIGINT NOT NULL,
    subnet_id BIGINT UNSIGNED NOT NULL,
    fqdn_fwd TINYINT(1) NOT NULL,
    fqdn_rev TINYINT(1) NOT NULL,
    hostname VARCHAR(255) NOT NULL,
    hostname_lower VARCHAR(255) AS (LOWER(hostname)) STORED,
    hwaddr VARBINARY(20) NOT NULL,
    hwtype INT UNSIGNED NOT NULL,
    hwaddr_source BIGINT UNSIGNED NOT NULL,
    state INT UNSIGNED NOT NULL,
    user_context TEXT NOT NULL,
    pool_id BIGINT UNSIGNED NOT NULL,
    expire BIGINT NOT NULL,
    INDEX leasehold_lease6_by_duid (duid, iaid, lease_type, subnet_id),
    INDEX leasehold_lease6_by_hwaddr (hwaddr, subnet_id),
    INDEX leasehold_lease6_by_subnet (subnet_id, address),
    INDEX leasehold_lease6_by_state_expire (state, expire, subnet_id),
    INDEX leasehold_lease6_by_hostname (hostname_lower, subnet_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
