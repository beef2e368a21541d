"""Kea 2.2 and the server under test side by side, for differential tests.

Each server gets its own pair of namespaces (netns.Link with relay=True), so both see the same
addresses and the same configuration; the test plays relay agent in each client namespace and
sends both servers the same bytes. Replies are reduced to what a client acts on (message type,
the pool or reservation an address came from, boot fields, option codes and values), so two
servers that pick different free addresses from the same pool still compare equal.
"""

import ipaddress
import os
import select
import socket
import struct
import time

from . import dhcp4, dhcp6, netns, server

KEA_BINARIES = {4: "/usr/sbin/kea-dhcp4", 6: "/usr/sbin/kea-dhcp6"}
# How long an exchange waits for the replies; a query that gets none costs this much once,
# because both servers are asked at the same time.
REPLY_TIMEOUT_SECONDS = 1.0


class Side:
    """One server, its namespaces and the relay agent's socket in its client namespace."""

    def __init__(self, testcase, label, family, binary, relay_addresses):
        self.label = label
        self.family = family
        self.link = testcase.make_link(relay=True)
        self.workdir = os.path.join(testcase.workdir, label)
        os.mkdir(self.workdir)
        for address in relay_addresses:
            self._add_relay_address(address)
        if family == 4:
            self.socket = self.link.client.socket(socket.AF_INET, socket.SOCK_DGRAM)
            self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.socket.bind(("0.0.0.0", 67))
            self.server_address = (netns.SERVER_V4, 67)
        else:
            self.socket = self.link.client.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            self.socket.bind((netns.CLIENT_V6, 547))
            self.server_address = (netns.SERVER_V6, 547)
        testcase.addCleanup(self.socket.close)
        self.socket.setblocking(False)
        self.binary = binary
        self.server = None

    def _add_relay_address(self, address):
        """Give the client namespace another relay address (giaddr) that the server routes
        back to it. Addresses inside the link's own ranges need no route."""
        interface = ipaddress.IPv4Interface(address)
        netns.ip("-n", self.link.client.name, "addr", "add", address, "dev",
                 self.link.client_interface)
        covered = [ipaddress.IPv4Network(netns.DIRECT_SUBNET_V4),
                   ipaddress.IPv4Network(netns.RELAYED_SUBNET_V4)]
        if not any(interface.ip in network for network in covered):
            netns.ip("-n", self.link.server.name, "route", "add", str(interface.network),
                     "via", netns.CLIENT_V4)

    def start(self, config):
        self.server = server.DhcpServer(self.family, self.link.server, self.workdir, config,
                                        binary=self.binary)
        self.server.start()

    def drain(self):
        while True:
            try:
                self.socket.recv(65536)
            except BlockingIOError:
                return


class DifferentialPair:
    """Kea 2.2 ("kea") and the server under test ("leasehold") with the same configuration.

    relay_addresses are extra IPv4 addresses with prefix ("192.0.3.1/24") for the client
    namespaces, used as giaddr values; replies to a giaddr come back to the namespace.
    """

    def __init__(self, testcase, family, relay_addresses=()):
        self.testcase = testcase
        self.family = family
        self.sides = [Side(testcase, "kea", family, KEA_BINARIES[family], relay_addresses),
                      Side(testcase, "leasehold", family, server.server_binary(family),
                           relay_addresses)]

    def check_config(self, make_config):
        """Run -t on both servers; return {label: CompletedProcess}."""
        results = {}
        for side in self.sides:
            probe = server.DhcpServer(self.family, side.link.server, side.workdir,
                                      make_config(side.workdir, side.link.server_interface),
                                      binary=side.binary)
            results[side.label] = probe.check_config()
        return results

    def start(self, make_config):
        """Start both servers; make_config(workdir, interface) returns each one's
        configuration, because lease files and interface names differ per side."""
        for side in self.sides:
            if side.server is not None:
                self.testcase._stop_server(side.server)
            config = make_config(side.workdir, side.link.server_interface)
            side.start(config)
            self.testcase.addCleanup(self.testcase._stop_server, side.server)

    def exchange(self, payload, matches):
        """Send payload to both servers and return {label: reply bytes or None}.

        payload is bytes, or a function of the side's label returning bytes (for follow-up
        requests built from that server's own earlier reply). matches(reply) picks the reply
        to this query among anything else that arrives.
        """
        replies = {}
        for side in self.sides:
            side.drain()
            data = payload(side.label) if callable(payload) else payload
            if data is None:
                replies[side.label] = None
                continue
            side.socket.sendto(data, side.server_address)
            replies[side.label] = "waiting"
        deadline = time.monotonic() + REPLY_TIMEOUT_SECONDS
        waiting = {side.socket: side for side in self.sides if replies[side.label] == "waiting"}
        while waiting:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            readable, _, _ = select.select(list(waiting), [], [], remaining)
            for sock in readable:
                side = waiting[sock]
                data = sock.recv(65536)
                if matches(data):
                    replies[side.label] = data
                    del waiting[sock]
        for side in waiting.values():
            replies[side.label] = None
        return replies

    def log(self, label):
        side = next(side for side in self.sides if side.label == label)
        return side.server.log() if side.server else ""


class AddressBook:
    """Names the pool, reservation or subnet of an address from a Kea configuration."""

    def __init__(self, config):
        body = config.get("Dhcp4") or config["Dhcp6"]
        key = "subnet4" if "Dhcp4" in config else "subnet6"
        subnets = list(body.get(key, []))
        for network in body.get("shared-networks", []):
            subnets += network.get(key, [])
        self.entries = []
        for subnet in subnets:
            prefix = ipaddress.ip_network(subnet["subnet"])
            for index, pool in enumerate(subnet.get("pools", [])):
                first, last = _pool_range(pool["pool"])
                self.entries.append((f"subnet {subnet['id']} pool {index}", first, last))
            self.entries.append((f"subnet {subnet['id']} outside pools", prefix[0], prefix[-1]))

    def name(self, address):
        if address is None:
            return None
        parsed = ipaddress.ip_address(address)
        for label, first, last in self.entries:
            if first <= parsed <= last:
                if label.endswith("outside pools"):
                    return f"{label}: {address}"
                return label
        return f"outside every subnet: {address}"


def _pool_range(text):
    if "-" in text:
        first, last = (ipaddress.ip_address(part.strip()) for part in text.split("-"))
        return first, last
    network = ipaddress.ip_network(text.replace(" ", ""))
    return network[0], network[-1]


def summarize4(data, book):
    """Reduce a DHCPv4 reply to what the comparison looks at; None stays None."""
    if data is None:
        return None
    reply = dhcp4.Dhcp4Message.decode(data)
    summary = {
        "type": reply.message_name,
        "address": book.name(reply.yiaddr) if reply.yiaddr != "0.0.0.0" else None,
        "siaddr": reply.siaddr,
        "options": {code: _render4(code, value) for code, value in sorted(reply.options)},
    }
    sname, file = _boot_fields(data)
    summary["sname"], summary["file"] = sname, file
    return summary


def _boot_fields(data):
    sname = data[44:108].split(b"\0", 1)[0].decode("latin-1")
    file = data[108:236].split(b"\0", 1)[0].decode("latin-1")
    return sname, file


def _render4(code, value):
    if code in (1, 3, 4, 6, 7, 8, 9, 10, 11, 16, 41, 42, 54) and len(value) % 4 == 0:
        return " ".join(socket.inet_ntoa(value[i:i + 4]) for i in range(0, len(value), 4))
    if all(32 <= byte < 127 for byte in value) and value:
        return repr(value.decode())
    return value.hex()


def summarize6(data, book):
    """Reduce a DHCPv6 RELAY-REPL (or bare reply) to what the comparison looks at."""
    if data is None:
        return None
    layers, inner = dhcp6.unwrap(data)
    summary = {"relay": [{code: payload.hex() for code, payload in options
                          if code != dhcp6.OPT_RELAY_MSG}
                         for _, _, options in layers]}
    if inner is None:
        summary["type"] = "no relayed message"
        return summary
    summary["type"] = {dhcp6.ADVERTISE: "ADVERTISE", dhcp6.REPLY: "REPLY"}.get(inner[0], inner[0])
    options = {}
    for code, payload in dhcp6.parse_options(inner[4:]):
        if code == dhcp6.OPT_SERVERID:
            value = "<server DUID>"
        elif code == dhcp6.OPT_IA_NA:
            value = _render_ia_na(payload, book)
        elif code == dhcp6.OPT_STATUS_CODE:
            value = f"status {struct.unpack('!H', payload[:2])[0]}"
        elif code in (21, 22, 23, 27, 28, 31) and len(payload) % 16 == 0:
            value = " ".join(str(ipaddress.IPv6Address(payload[i:i + 16]))
                             for i in range(0, len(payload), 16))
        else:
            value = payload.hex()
        options.setdefault(code, []).append(value)
    summary["options"] = options
    return summary


def _render_ia_na(payload, book):
    iaid, t1, t2 = struct.unpack("!III", payload[:12])
    rendered = {"iaid": iaid, "t1": t1, "t2": t2, "addresses": [], "status": None}
    for code, inner in dhcp6.parse_options(payload[12:]):
        if code == dhcp6.OPT_IAADDR:
            address = str(ipaddress.IPv6Address(inner[:16]))
            preferred, valid = struct.unpack("!II", inner[16:24])
            rendered["addresses"].append((book.name(address), preferred, valid))
        elif code == dhcp6.OPT_STATUS_CODE:
            rendered["status"] = struct.unpack("!H", inner[:2])[0]
    return rendered


def compare(summaries):
    """Return a list of 'field: kea=... leasehold=...' lines where the two summaries differ."""
    kea, leasehold = summaries["kea"], summaries["leasehold"]
    if kea is None or leasehold is None:
        if kea is leasehold:
            return []
        return [f"reply: kea={_short(kea)} leasehold={_short(leasehold)}"]
    lines = []
    for field in sorted(set(kea) | set(leasehold)):
        if field == "options":
            mine, theirs = kea.get("options", {}), leasehold.get("options", {})
            for code in sorted(set(mine) | set(theirs)):
                if mine.get(code) != theirs.get(code):
                    lines.append(f"option {code}: kea={mine.get(code)} "
                                 f"leasehold={theirs.get(code)}")
        elif kea.get(field) != leasehold.get(field):
            lines.append(f"{field}: kea={kea.get(field)} leasehold={leasehold.get(field)}")
    return lines


def _short(summary):
    if summary is None:
        return "no answer"
    return f"{summary.get('type')} {summary.get('address', '')}".strip()
