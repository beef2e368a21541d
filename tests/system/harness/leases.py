"""Reader for Kea's memfile lease files (CSV), as Kea 2.2 and Leasehold write them.

The file starts with a header row naming the columns. Each later row records a lease as it
was at that moment: the last row for an address wins, and a row with valid_lifetime 0 records
that the lease was deleted (released, or reclaimed without being kept). Commas inside a value
are written as "&#x2c" (any character may be escaped as "&#x" and two hex digits).

DHCPv4 columns: address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,
hostname,state,user_context. DHCPv6 columns: address,duid,valid_lifetime,expire,subnet_id,
pref_lifetime,lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,
user_context,hwtype,hwaddr_source. Lease states: 0 default, 1 declined, 2 expired-reclaimed.
"""

import dataclasses
import re
import time

V4_REQUIRED = ("address", "hwaddr", "client_id", "valid_lifetime", "expire", "subnet_id", "state")
V6_REQUIRED = ("address", "duid", "valid_lifetime", "expire", "subnet_id", "pref_lifetime",
               "lease_type", "iaid", "prefix_len", "state")

LEASE_TYPE_NA = 0
LEASE_TYPE_TA = 1
LEASE_TYPE_PD = 2
STATE_DEFAULT = 0

_ESCAPE = re.compile(r"&#x([0-9a-fA-F]{2})")


def unescape(value):
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), value)


@dataclasses.dataclass
class Lease:
    """One row of a lease file, with the columns used by tests converted to numbers."""
    line: int
    fields: dict
    address: str
    valid_lifetime: int
    expire: int
    subnet_id: int
    state: int
    lease_type: int = LEASE_TYPE_NA   # DHCPv6 only
    prefix_len: int = 128             # DHCPv6 only

    @property
    def key(self):
        return (self.lease_type, self.address)

    @property
    def hwaddr(self):
        return self.fields.get("hwaddr", "").lower()

    @property
    def duid(self):
        return self.fields.get("duid", "").lower()

    def active(self, now=None):
        """True when the lease is held: not deleted, in the default state and not expired."""
        now = time.time() if now is None else now
        return self.valid_lifetime > 0 and self.state == STATE_DEFAULT and self.expire > now


@dataclasses.dataclass
class LeaseFile:
    family: int
    header: list
    rows: list        # every row in file order
    current: dict     # key -> latest Lease, deleted leases removed

    def active(self, now=None):
        return [lease for lease in self.current.values() if lease.active(now)]

    def history(self, address, lease_type=LEASE_TYPE_NA):
        return [row for row in self.rows if row.key == (lease_type, address)]


def read_lease_file(path, family):
    """Parse the lease file at path, written by a DHCPv4 (family 4) or DHCPv6 server.

    Raises ValueError naming the line for a missing column, a row whose field count differs
    from the header's, or a numeric column that is not a number.
    """
    with open(path, newline="") as lease_file:
        lines = lease_file.read().splitlines()
    return parse_lease_file(lines, family, path)


def parse_lease_file(lines, family, source="<lease file>"):
    if not lines:
        raise ValueError(f"{source}: empty lease file, expected a header row")
    header = lines[0].split(",")
    required = V4_REQUIRED if family == 4 else V6_REQUIRED
    missing = [column for column in required if column not in header]
    if missing:
        raise ValueError(f"{source}:1: header lacks column(s) {', '.join(missing)}")

    rows = []
    current = {}
    for number, text in enumerate(lines[1:], start=2):
        if not text.strip():
            continue
        values = text.split(",")
        if len(values) != len(header):
            raise ValueError(
                f"{source}:{number}: {len(values)} fields, header has {len(header)}: {text!r}")
        fields = {name: unescape(value) for name, value in zip(header, values)}
        lease = _make_lease(number, fields, family, source)
        rows.append(lease)
        if lease.valid_lifetime == 0:
            current.pop(lease.key, None)
        else:
            current[lease.key] = lease
    return LeaseFile(family, header, rows, current)


def _make_lease(number, fields, family, source):
    def integer(name, default=None):
        value = fields.get(name, "")
        if value == "" and default is not None:
            return default
        try:
            return int(value)
        except ValueError as error:
            raise ValueError(f"{source}:{number}: column {name} is not a number: {value!r}") from error

    lease = Lease(line=number, fields=fields, address=fields["address"],
                  valid_lifetime=integer("valid_lifetime"), expire=integer("expire"),
                  subnet_id=integer("subnet_id"), state=integer("state", STATE_DEFAULT))
    if family == 6:
        lease.lease_type = integer("lease_type")
        lease.prefix_len = integer("prefix_len")
    return lease
