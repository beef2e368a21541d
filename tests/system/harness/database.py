"""SQL lease databases for system tests: a scratch database on the shared servers, or private
servers that a test may stop and start, and the lease rows the nodes wrote.

The shared PostgreSQL and MariaDB are the ones `scripts/lib/databases start` runs; their
connection strings come from LEASEHOLD_TEST_PG and LEASEHOLD_TEST_MYSQL (`eval "$(scripts/lib/
databases env)"`, which scripts/test does). Each test gets its own database on them, named
`leasehold_sys_<PID>_<counter>`, so that tests running at the same time, integration tests
included, never see each other's leases. It is dropped at cleanup.

Private servers are the same script run with their own state directory and ports. Tests that
stop the database under load use them, so the shared servers keep running.

Queries go through the psql and mariadb command-line clients, and the schema is created with
the build's leasehold-admin.
"""

import dataclasses
import ipaddress
import itertools
import os
import shutil
import socket
import subprocess

from . import server

POSTGRESQL = "postgresql"
MYSQL = "mysql"
ENVIRONMENT = {POSTGRESQL: "LEASEHOLD_TEST_PG", MYSQL: "LEASEHOLD_TEST_MYSQL"}
# The engine names scripts/lib/databases takes, and leasehold-admin's backend names.
SCRIPT_ENGINES = {POSTGRESQL: "postgresql", MYSQL: "mariadb"}
ADMIN_BACKENDS = {POSTGRESQL: "pgsql", MYSQL: "mysql"}
DATABASES_SCRIPT = os.path.join(server.SOURCE_DIR, "scripts", "lib", "databases")
QUERY_TIMEOUT_SECONDS = 60

_counter = itertools.count(1)


class DatabaseUnavailable(Exception):
    """The shared database servers are not configured in the environment."""


@dataclasses.dataclass
class Database:
    """One database on a PostgreSQL (type "postgresql") or MariaDB (type "mysql") server."""
    type: str
    host: str
    port: int
    name: str
    user: str
    password: str

    def lease_database(self, port=None, **parameters):
        """Return a Kea `lease-database` map for this database.

        port overrides the server's port (a node reaches it through a TcpForwarder);
        parameters are extra keys such as on_fail (written on-fail).
        """
        entry = {"type": self.type, "name": self.name, "host": self.host,
                 "port": port or self.port, "user": self.user, "password": self.password}
        entry.update({key.replace("_", "-"): value for key, value in parameters.items()})
        return entry

    def query(self, sql, database=None):
        """Run sql and return its rows as lists of strings. Raises RuntimeError on failure."""
        database = database or self.name
        if self.type == POSTGRESQL:
            argv = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA", "-F", "\t",
                    "-h", self.host, "-p", str(self.port), "-U", self.user, "-d", database,
                    "-c", sql]
            env = dict(os.environ, PGPASSWORD=self.password, PGCONNECT_TIMEOUT="10")
        else:
            argv = ["mariadb", "--no-defaults", "-N", "-B", "--connect-timeout=10",
                    "-h", self.host, "-P", str(self.port), "-u", self.user,
                    f"-p{self.password}", database, "-e", sql]
            env = dict(os.environ)
        result = subprocess.run(argv, capture_output=True, text=True, env=env,
                                timeout=QUERY_TIMEOUT_SECONDS)
        if result.returncode != 0:
            raise RuntimeError(f"{argv[0]} on {self.type} database {database} failed "
                               f"(exit {result.returncode}): {result.stderr.strip()}\nSQL: {sql}")
        return [line.split("\t") for line in result.stdout.splitlines() if line]

    def init_schema(self):
        """Create Leasehold's lease schema with the build's leasehold-admin db-init."""
        admin = os.path.join(os.path.dirname(server.server_binary(4)), "leasehold-admin")
        argv = [admin, "db-init", ADMIN_BACKENDS[self.type], "-h", self.host,
                "-P", str(self.port), "-u", self.user, "-p", self.password, "-n", self.name]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=QUERY_TIMEOUT_SECONDS)
        if result.returncode != 0:
            raise RuntimeError(f"leasehold-admin db-init failed (exit {result.returncode}): "
                               f"{result.stdout}{result.stderr}")

    def leases4(self):
        """Return {address: hardware address "aa:bb:.."} of the DHCPv4 leases in the default
        state (not declined, not reclaimed)."""
        hwaddr = "encode(hwaddr, 'hex')" if self.type == POSTGRESQL else "LOWER(HEX(hwaddr))"
        rows = self.query(f"SELECT address, {hwaddr} FROM leasehold_lease4 WHERE state = 0")
        return {str(ipaddress.IPv4Address(int(address))): _colon_hex(hardware)
                for address, hardware in rows}

    def leases6(self):
        """Return {address: DUID "00:01:.."} of the DHCPv6 address (IA_NA) leases in the default
        state."""
        duid = "encode(duid, 'hex')" if self.type == POSTGRESQL else "LOWER(HEX(duid))"
        rows = self.query(f"SELECT address, {duid} FROM leasehold_lease6 "
                          f"WHERE state = 0 AND lease_type = 0")
        return {str(ipaddress.IPv6Address(int(address))): _colon_hex(value)
                for address, value in rows}


def _colon_hex(text):
    return ":".join(text[index:index + 2] for index in range(0, len(text), 2))


def parse_connection_string(text):
    """Parse libpq's keyword form ("host=127.0.0.1 port=54329 ...") into a dict."""
    fields = {}
    for word in text.split():
        key, separator, value = word.partition("=")
        if not separator:
            raise ValueError(f"invalid connection string word {word!r}: expected key=value")
        fields[key] = value
    return fields


def shared_server(engine):
    """Return a Database for the shared server of engine (its default database).

    Raises DatabaseUnavailable when the environment does not name it.
    """
    variable = ENVIRONMENT[engine]
    text = os.environ.get(variable)
    if not text:
        raise DatabaseUnavailable(
            f"{variable} is not set; run `scripts/lib/databases start` and "
            f"`eval \"$(scripts/lib/databases env)\"` first (scripts/test does both)")
    fields = parse_connection_string(text)
    return Database(type=engine, host=fields.get("host", "127.0.0.1"),
                    port=int(fields.get("port", 0)), name=fields.get("dbname", "leasehold"),
                    user=fields.get("user", ""), password=fields.get("password", ""))


def create_database(server_database, name=None):
    """Create a new, empty database with Leasehold's schema on server_database's server.

    Returns its Database. The caller drops it with drop_database().
    """
    name = name or f"leasehold_sys_{os.getpid()}_{next(_counter)}"
    created = dataclasses.replace(server_database, name=name)
    server_database.query(f"DROP DATABASE IF EXISTS {name}")
    server_database.query(f"CREATE DATABASE {name}")
    created.init_schema()
    return created


def drop_database(server_database, database):
    # PostgreSQL refuses to drop a database with sessions still open unless forced; a node
    # killed with SIGKILL may leave some for a moment.
    force = " WITH (FORCE)" if database.type == POSTGRESQL else ""
    server_database.query(f"DROP DATABASE IF EXISTS {database.name}{force}")


def free_tcp_port():
    """Return a TCP port that is free on 127.0.0.1 now; a race with another process is possible
    and makes the server's start fail loudly."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateServers:
    """PostgreSQL and MariaDB servers of one test, run by scripts/lib/databases with a state
    directory of their own and free ports on 127.0.0.1. Both stop at close(), and the state
    directory goes with them."""

    def __init__(self, state_dir):
        self.state_dir = state_dir
        self.ports = {POSTGRESQL: free_tcp_port(), MYSQL: free_tcp_port()}
        self.started = set()

    def _script(self, *args):
        env = dict(os.environ, LEASEHOLD_TEST_STATE=self.state_dir,
                   LEASEHOLD_TEST_PG_PORT=str(self.ports[POSTGRESQL]),
                   LEASEHOLD_TEST_MYSQL_PORT=str(self.ports[MYSQL]), LEASEHOLD_TEST_KEA_SCHEMA="0")
        env.pop("LEASEHOLD_TEST_DB_NETNS", None)
        result = subprocess.run([DATABASES_SCRIPT, *args], capture_output=True, text=True,
                                env=env, timeout=180)
        if result.returncode != 0:
            raise RuntimeError(f"scripts/lib/databases {' '.join(args)} failed "
                               f"(exit {result.returncode}): {result.stdout}{result.stderr}")
        return result.stdout

    def start(self, engine):
        """Start the server of engine ("postgresql" or "mysql"); returns once it accepts
        connections. Creates the data directory and database "leasehold" the first time."""
        self._script("start", SCRIPT_ENGINES[engine])
        self.started.add(engine)

    def stop(self, engine):
        """Stop the server of engine: PostgreSQL's fast shutdown, MariaDB's SIGTERM."""
        self._script("stop", SCRIPT_ENGINES[engine])

    def database(self, engine):
        """Return the Database "leasehold" on the private server of engine."""
        return Database(type=engine, host="127.0.0.1", port=self.ports[engine], name="leasehold",
                        user="leasehold", password="leasehold")

    def log_tail(self, engine, size=4000):
        name = "postgresql.log" if engine == POSTGRESQL else "mariadb.err"
        path = os.path.join(self.state_dir, "log", name)
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as log:
            return log.read()[-size:]

    def close(self):
        if self.started:
            self._script("stop")
            self.started.clear()
        shutil.rmtree(self.state_dir, ignore_errors=True)
