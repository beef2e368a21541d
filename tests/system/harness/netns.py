"""Network namespaces joined by a veth pair, created for one test and always removed after it.

Namespace names are `lhst-<creator PID>-<counter>-srv` and `-cli`, so that tests running in
parallel never collide and namespaces left behind by a killed run can be recognised: their
creator PID is no longer alive. The veth ends are created directly inside the namespaces and
never appear in the host's namespace.

Addresses used on the link (documentation and benchmarking ranges, only ever inside the
namespaces):
  192.0.2.1/24           server end, the directly connected subnet
  192.0.2.2/24           client end, when the link carries a relay (relay=True)
  198.18.0.1/15          relay agent address (giaddr) on the client end (relay=True); the
                         server routes 198.18.0.0/15 back through 192.0.2.2
  2001:db8:1::1/64       server end
  2001:db8:1::2/64       client end, when relay=True
"""

import ctypes
import itertools
import os
import socket
import subprocess

from .process import wait_until

NAMESPACE_PREFIX = "lhst"

SERVER_V4 = "192.0.2.1"
CLIENT_V4 = "192.0.2.2"
DIRECT_SUBNET_V4 = "192.0.2.0/24"
RELAY_V4 = "198.18.0.1"
RELAYED_SUBNET_V4 = "198.18.0.0/15"
SERVER_V6 = "2001:db8:1::1"
CLIENT_V6 = "2001:db8:1::2"
SUBNET_V6 = "2001:db8:1::/64"

LINK_TIMEOUT_SECONDS = 10

_counter = itertools.count(1)
_CLONE_NEWNET = 0x40000000


def ip(*args, check=True):
    """Run the ip command and return its standard output."""
    result = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout


def _has_link_local(namespace, interface):
    output = ip("-n", namespace, "-6", "addr", "show", "dev", interface, "scope", "link")
    return "inet6 fe80::" in output and "tentative" not in output


def list_namespaces():
    return [line.split()[0] for line in ip("netns", "list").splitlines() if line.strip()]


def remove_stale_namespaces():
    """Delete namespaces with this harness's prefix whose creating process has exited.

    Processes still running inside such a namespace are left alone, because the harness stops
    only what it started in this run. The kernel frees the namespace when they exit.
    """
    for name in list_namespaces():
        parts = name.split("-")
        if len(parts) < 4 or parts[0] != NAMESPACE_PREFIX or not parts[1].isdigit():
            continue
        if os.path.exists(f"/proc/{parts[1]}"):
            continue
        ip("netns", "del", name, check=False)


class Namespace:
    """One named network namespace."""

    def __init__(self, name):
        self.name = name

    def command(self, *argv):
        """Return argv prefixed so that it runs inside this namespace."""
        return ["ip", "netns", "exec", self.name, *argv]

    def run(self, *argv, check=True, timeout=60):
        """Run a command inside the namespace and return the CompletedProcess."""
        result = subprocess.run(self.command(*argv), capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(argv)} in {self.name} exited with {result.returncode}: "
                f"{result.stderr.strip()}")
        return result

    def udp_receive_errors(self):
        """Return the namespace's count of UDP datagrams dropped for a full receive buffer.

        A server starved of CPU lets its socket buffer overflow, so a lost packet with this
        count raised points at the machine's load rather than at the server's logic.
        """
        total = 0
        snmp = self.run("cat", "/proc/net/snmp", "/proc/net/snmp6").stdout.splitlines()
        for number, line in enumerate(snmp):
            if line.startswith("Udp: ") and number + 1 < len(snmp) and "RcvbufErrors" in line:
                names, values = line.split()[1:], snmp[number + 1].split()[1:]
                total += int(dict(zip(names, values)).get("RcvbufErrors", 0))
            elif line.startswith("Udp6RcvbufErrors"):
                total += int(line.split()[1])
        return total

    def socket(self, family, kind, proto=0):
        """Create a socket that belongs to this namespace.

        setns() switches only the calling thread, and a socket keeps the namespace it was
        created in, so the thread switches in, creates the socket and switches back.
        """
        libc = ctypes.CDLL(None, use_errno=True)
        with open(f"/run/netns/{self.name}") as target, open("/proc/thread-self/ns/net") as home:
            if libc.setns(target.fileno(), _CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), f"setns into {self.name} failed")
            try:
                return socket.socket(family, kind, proto)
            finally:
                if libc.setns(home.fileno(), _CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns back to the test's namespace failed")


class Link:
    """A server namespace and a client namespace joined by one veth pair.

    With relay=True the client end also gets static addresses and acts as a relay agent's
    uplink: see the module docstring for the addresses. Use as a context manager, or call
    close(); close() is safe to call more than once.
    """

    def __init__(self, relay=False):
        remove_stale_namespaces()
        number = next(_counter)
        tag = f"{os.getpid()}-{number}"
        self.server = Namespace(f"{NAMESPACE_PREFIX}-{tag}-srv")
        self.client = Namespace(f"{NAMESPACE_PREFIX}-{tag}-cli")
        # Interface names are limited to 15 characters, so the PID and counter go in as hex
        # (at most 6 + 3 digits for PIDs up to 2**22 and a thousand links per process).
        short_tag = f"{os.getpid():x}x{number:x}"
        self.server_interface = f"lhs{short_tag}"
        self.client_interface = f"lhc{short_tag}"
        self.relay = relay
        self._created = []
        try:
            self._create()
        except BaseException:
            self.close()
            raise

    def _create(self):
        for namespace in (self.server, self.client):
            ip("netns", "add", namespace.name)
            self._created.append(namespace)
            # Without duplicate address detection the IPv6 addresses, link-local ones included,
            # are usable as soon as the link is up.
            namespace.run("sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
                          "net.ipv6.conf.default.accept_dad=0")
            ip("-n", namespace.name, "link", "set", "lo", "up")
        ip("link", "add", self.server_interface, "netns", self.server.name, "type", "veth",
           "peer", "name", self.client_interface, "netns", self.client.name)

        ip("-n", self.server.name, "addr", "add", f"{SERVER_V4}/24", "dev", self.server_interface)
        ip("-n", self.server.name, "addr", "add", f"{SERVER_V6}/64", "dev", self.server_interface,
           "nodad")
        if self.relay:
            ip("-n", self.client.name, "addr", "add", f"{CLIENT_V4}/24", "dev", self.client_interface)
            ip("-n", self.client.name, "addr", "add", f"{RELAY_V4}/15", "dev", self.client_interface)
            ip("-n", self.client.name, "addr", "add", f"{CLIENT_V6}/64", "dev",
               self.client_interface, "nodad")
        for namespace, interface in ((self.server, self.server_interface),
                                     (self.client, self.client_interface)):
            ip("-n", namespace.name, "link", "set", interface, "up")
        if self.relay:
            ip("-n", self.server.name, "route", "add", RELAYED_SUBNET_V4, "via", CLIENT_V4)

        # The kernel adds link-local addresses once the carrier is up, after `link set up`
        # returns; DHCPv6 clients and servers need them.
        for namespace, interface in ((self.server, self.server_interface),
                                     (self.client, self.client_interface)):
            wait_until(lambda: _has_link_local(namespace.name, interface), LINK_TIMEOUT_SECONDS,
                       f"a link-local address on {interface} in {namespace.name}")

    def client_mac(self):
        """Return the client end's hardware address, as "aa:bb:cc:dd:ee:ff"."""
        words = ip("-n", self.client.name, "link", "show", "dev", self.client_interface).split()
        return words[words.index("link/ether") + 1].lower()

    def set_client_mac(self, mac):
        ip("-n", self.client.name, "link", "set", self.client_interface, "address", mac)

    def close(self):
        for namespace in reversed(self._created):
            ip("netns", "del", namespace.name, check=False)
        self._created = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
