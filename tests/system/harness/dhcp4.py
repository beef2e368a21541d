"""Hand-built DHCPv4 messages (RFC 2131/2132) and a relay agent that sends them to the server.

The relay agent lets a test play any number of clients with exact control over each field:
option 82 (relay agent information, RFC 3046), requested addresses, INIT-REBOOT requests. It
binds the relay address (giaddr) on port 67 in the client namespace and unicasts to the
server, which sends its reply to the relay on port 67, exactly as perfdhcp's relay mode expects.
"""

import dataclasses
import ipaddress
import os
import socket
import struct
import time

from . import netns

BOOTREQUEST = 1
BOOTREPLY = 2
MAGIC_COOKIE = b"\x63\x82\x53\x63"
FIXED_HEADER = struct.Struct("!BBBBIHH4s4s4s4s16s64s128s")

OPTION_PAD = 0
OPTION_END = 255
OPTION_SUBNET_MASK = 1
OPTION_REQUESTED_ADDRESS = 50
OPTION_LEASE_TIME = 51
OPTION_MESSAGE_TYPE = 53
OPTION_SERVER_ID = 54
OPTION_PARAMETER_LIST = 55
OPTION_CLIENT_ID = 61
OPTION_RELAY_AGENT_INFO = 82

DISCOVER, OFFER, REQUEST, DECLINE, ACK, NAK, RELEASE, INFORM = range(1, 9)
MESSAGE_NAMES = {DISCOVER: "DISCOVER", OFFER: "OFFER", REQUEST: "REQUEST", DECLINE: "DECLINE",
                 ACK: "ACK", NAK: "NAK", RELEASE: "RELEASE", INFORM: "INFORM"}


def mac_bytes(mac):
    """Convert "aa:bb:cc:dd:ee:ff" to 6 bytes; raises ValueError for anything else."""
    parts = mac.split(":")
    if len(parts) != 6:
        raise ValueError(f"invalid MAC address {mac!r}: expected 6 colon-separated bytes")
    return bytes(int(part, 16) for part in parts)


def numbered_mac(number, prefix=0x02):
    """Return a locally administered MAC address that encodes number (up to 2**40 - 1)."""
    return ":".join(f"{byte:02x}" for byte in bytes([prefix]) + number.to_bytes(5, "big"))


def relay_agent_info(circuit_id, remote_id):
    """Return the value of option 82 with sub-options 1 (circuit-id) and 2 (remote-id)."""
    return bytes([1, len(circuit_id)]) + circuit_id + bytes([2, len(remote_id)]) + remote_id


@dataclasses.dataclass
class Dhcp4Message:
    op: int = BOOTREQUEST
    htype: int = 1
    hlen: int = 6
    hops: int = 0
    xid: int = 0
    secs: int = 0
    flags: int = 0
    ciaddr: str = "0.0.0.0"
    yiaddr: str = "0.0.0.0"
    siaddr: str = "0.0.0.0"
    giaddr: str = "0.0.0.0"
    chaddr: bytes = b""
    options: list = dataclasses.field(default_factory=list)   # [(code, bytes)] in wire order

    def option(self, code):
        """Return the value of the first option with code, or None when absent."""
        for option_code, value in self.options:
            if option_code == code:
                return value
        return None

    @property
    def message_type(self):
        value = self.option(OPTION_MESSAGE_TYPE)
        return value[0] if value and len(value) == 1 else None

    @property
    def message_name(self):
        return MESSAGE_NAMES.get(self.message_type, f"type {self.message_type}")

    @property
    def server_id(self):
        value = self.option(OPTION_SERVER_ID)
        return str(ipaddress.IPv4Address(value)) if value and len(value) == 4 else None

    def encode(self):
        header = FIXED_HEADER.pack(
            self.op, self.htype, self.hlen, self.hops, self.xid, self.secs, self.flags,
            socket.inet_aton(self.ciaddr), socket.inet_aton(self.yiaddr),
            socket.inet_aton(self.siaddr), socket.inet_aton(self.giaddr),
            self.chaddr.ljust(16, b"\0"), b"", b"")
        body = bytearray()
        for code, value in self.options:
            if len(value) > 255:
                raise ValueError(f"option {code} is {len(value)} bytes; the limit is 255")
            body += bytes([code, len(value)]) + value
        body.append(OPTION_END)
        return header + MAGIC_COOKIE + bytes(body)

    @classmethod
    def decode(cls, data):
        """Parse a DHCPv4 message; raises ValueError for truncated or malformed input."""
        if len(data) < FIXED_HEADER.size + len(MAGIC_COOKIE):
            raise ValueError(f"DHCPv4 message too short: {len(data)} bytes")
        fields = FIXED_HEADER.unpack_from(data)
        cookie = data[FIXED_HEADER.size:FIXED_HEADER.size + 4]
        if cookie != MAGIC_COOKIE:
            raise ValueError(f"invalid DHCP magic cookie {cookie.hex()}")
        message = cls(op=fields[0], htype=fields[1], hlen=fields[2], hops=fields[3],
                      xid=fields[4], secs=fields[5], flags=fields[6],
                      ciaddr=socket.inet_ntoa(fields[7]), yiaddr=socket.inet_ntoa(fields[8]),
                      siaddr=socket.inet_ntoa(fields[9]), giaddr=socket.inet_ntoa(fields[10]),
                      chaddr=fields[11][:min(fields[2], 16)])
        message.options = _decode_options(data[FIXED_HEADER.size + 4:])
        return message


def _decode_options(data):
    options = []
    position = 0
    while position < len(data):
        code = data[position]
        if code == OPTION_END:
            return options
        if code == OPTION_PAD:
            position += 1
            continue
        if position + 1 >= len(data):
            raise ValueError(f"option {code} at offset {position} has no length byte")
        length = data[position + 1]
        end = position + 2 + length
        if end > len(data):
            raise ValueError(f"option {code} at offset {position} claims {length} bytes, "
                             f"only {len(data) - position - 2} remain")
        options.append((code, bytes(data[position + 2:end])))
        position = end
    raise ValueError("options end without the end option (255)")


class RelayAgent4:
    """A DHCPv4 relay agent in the client namespace of a Link built with relay=True."""

    def __init__(self, namespace, relay_address=netns.RELAY_V4, server_address=netns.SERVER_V4,
                 reply_timeout=2.0, server_port=67, relay_port=67):
        """reply_timeout is in seconds. A server started with `-p PORT` listens on PORT; Kea
        2.2 still sends its replies to the relay's port 67."""
        self.relay_address = relay_address
        self.server_address = server_address
        self.server_port = server_port
        self.reply_timeout = reply_timeout
        self.socket = namespace.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind((relay_address, relay_port))
        self.stray_replies = 0

    def close(self):
        self.socket.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def new_message(self, message_type, mac, options=()):
        message = Dhcp4Message(xid=int.from_bytes(os.urandom(4), "big"), hops=1,
                               giaddr=self.relay_address, chaddr=mac_bytes(mac))
        message.options = [(OPTION_MESSAGE_TYPE, bytes([message_type]))] + list(options)
        return message

    def exchange(self, message, attempts=1):
        """Send message up to attempts times and return the first reply with its xid.

        Returns (reply, attempt number starting at 1), or (None, attempts) when every attempt
        timed out. Replies with another xid or that do not parse are counted in
        stray_replies and skipped.
        """
        data = message.encode()
        for attempt in range(1, attempts + 1):
            self.socket.sendto(data, (self.server_address, self.server_port))
            reply = self._receive(message.xid)
            if reply is not None:
                return reply, attempt
        return None, attempts

    def _receive(self, xid):
        deadline = time.monotonic() + self.reply_timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            self.socket.settimeout(remaining)
            try:
                data, _ = self.socket.recvfrom(4096)
            except socket.timeout:
                return None
            try:
                reply = Dhcp4Message.decode(data)
            except ValueError:
                self.stray_replies += 1
                continue
            if reply.op == BOOTREPLY and reply.xid == xid:
                return reply
            self.stray_replies += 1

    def discover(self, mac, extra_options=(), attempts=1):
        message = self.new_message(DISCOVER, mac, [(OPTION_PARAMETER_LIST, bytes([1, 3, 6]))]
                                   + list(extra_options))
        return self.exchange(message, attempts)

    def request_offered(self, mac, offer, extra_options=(), attempts=1):
        """Send a SELECTING-state REQUEST for the address in offer."""
        options = [(OPTION_REQUESTED_ADDRESS, socket.inet_aton(offer.yiaddr)),
                   (OPTION_SERVER_ID, offer.option(OPTION_SERVER_ID))] + list(extra_options)
        return self.exchange(self.new_message(REQUEST, mac, options), attempts)

    def request_init_reboot(self, mac, address, attempts=1):
        """Send an INIT-REBOOT REQUEST: a client that believes address is its own."""
        options = [(OPTION_REQUESTED_ADDRESS, socket.inet_aton(address))]
        return self.exchange(self.new_message(REQUEST, mac, options), attempts)

    def release(self, mac, address, server_id):
        """Send a RELEASE, which gets no reply."""
        message = self.new_message(RELEASE, mac, [(OPTION_SERVER_ID, socket.inet_aton(server_id))])
        message.ciaddr = address
        self.socket.sendto(message.encode(), (self.server_address, self.server_port))

    def acquire(self, mac, extra_options=(), attempts=3):
        """Run DISCOVER, OFFER, REQUEST, ACK for mac and return the ACK.

        Raises AssertionError naming the step that got no reply or the wrong one.
        """
        offer, _ = self.discover(mac, extra_options, attempts)
        if offer is None or offer.message_type != OFFER:
            raise AssertionError(f"{mac}: expected OFFER, got {offer and offer.message_name}")
        ack, _ = self.request_offered(mac, offer, extra_options, attempts)
        if ack is None or ack.message_type != ACK:
            raise AssertionError(f"{mac}: expected ACK for {offer.yiaddr}, got {ack and ack.message_name}")
        return ack
