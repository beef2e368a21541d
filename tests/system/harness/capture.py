"""Recording the leases that clients were acknowledged, by capturing the server's replies on
the client end of a link.

perfdhcp reports counts, never addresses, so a test that must compare what clients were told
with what the database holds captures the replies itself: an AF_PACKET socket on the client
interface sees every frame that reaches the clients. DHCPv4 ACKs give (yiaddr, chaddr); DHCPv6
REPLYs give each IA_NA address with a non-zero valid lifetime and the client's DUID.

The kernel counts frames it dropped for a full capture buffer; `drops` reports them, so a test
can tell a complete record from a partial one.
"""

import dataclasses
import ipaddress
import socket
import struct
import threading

from . import dhcp4

ETH_P_ALL = 0x0003
ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_IPV6 = 0x86DD
IPPROTO_UDP = 17
SOL_PACKET = 263
PACKET_STATISTICS = 6
PACKET_IGNORE_OUTGOING = 23
CAPTURE_BUFFER_BYTES = 32 * 1024 * 1024

DHCP6_REPLY = 7
DHCP6_OPTION_CLIENTID = 1
DHCP6_OPTION_IA_NA = 3
DHCP6_OPTION_IAADDR = 5


@dataclasses.dataclass(frozen=True)
class Acknowledgement:
    """One lease a server acknowledged: the address and the client it went to (hardware
    address "aa:bb:.." for DHCPv4, DUID "00:01:.." for DHCPv6)."""
    address: str
    client: str


def _colon_hex(data):
    return ":".join(f"{byte:02x}" for byte in data)


def parse_ack4(payload):
    """Return the Acknowledgement in a DHCPv4 message, or None unless it is an ACK."""
    try:
        message = dhcp4.Dhcp4Message.decode(payload)
    except ValueError:
        return None
    if message.op != dhcp4.BOOTREPLY or message.message_type != dhcp4.ACK:
        return None
    if message.yiaddr == "0.0.0.0":
        return None   # an ACK to DHCPINFORM assigns nothing
    return Acknowledgement(message.yiaddr, _colon_hex(message.chaddr))


def _dhcp6_options(data):
    offset = 0
    while offset + 4 <= len(data):
        code, length = struct.unpack_from("!HH", data, offset)
        yield code, data[offset + 4:offset + 4 + length]
        offset += 4 + length


def parse_reply6(payload):
    """Return the Acknowledgements in a DHCPv6 REPLY: one per IA_NA address with a non-zero
    valid lifetime. Any other message gives none."""
    if len(payload) < 4 or payload[0] != DHCP6_REPLY:
        return []
    duid = None
    addresses = []
    for code, body in _dhcp6_options(payload[4:]):
        if code == DHCP6_OPTION_CLIENTID:
            duid = _colon_hex(body)
        elif code == DHCP6_OPTION_IA_NA and len(body) >= 12:
            for inner_code, inner in _dhcp6_options(body[12:]):
                if inner_code == DHCP6_OPTION_IAADDR and len(inner) >= 24:
                    valid_lifetime = struct.unpack_from("!I", inner, 20)[0]
                    if valid_lifetime > 0:
                        addresses.append(str(ipaddress.IPv6Address(inner[:16])))
    if duid is None:
        return []
    return [Acknowledgement(address, duid) for address in addresses]


def udp_payload(frame):
    """Return (family, source port, destination port, payload) of an Ethernet frame carrying
    UDP over IPv4 or IPv6 (no extension headers), or None for anything else."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    if ethertype == ETHERTYPE_IPV4 and len(frame) >= 34:
        header_length = (frame[14] & 0x0F) * 4
        if frame[23] != IPPROTO_UDP:
            return None
        udp = 14 + header_length
        family = 4
    elif ethertype == ETHERTYPE_IPV6 and len(frame) >= 54:
        if frame[20] != IPPROTO_UDP:
            return None
        udp = 54
        family = 6
    else:
        return None
    if len(frame) < udp + 8:
        return None
    source_port, destination_port, length = struct.unpack_from("!HHH", frame, udp)
    return family, source_port, destination_port, frame[udp + 8:udp + length]


class ReplyCapture:
    """Captures the DHCP replies arriving at interface in namespace, from start until stop().

    family 4 records DHCPv4 ACKs (UDP from port 67), family 6 DHCPv6 REPLYs (UDP from 547).
    acknowledgements lists them in arrival order; replies with the same lease repeat.
    """

    def __init__(self, namespace, interface, family):
        self.family = family
        self.acknowledgements = []
        self.frames = 0
        self.drops = 0
        self._server_port = 67 if family == 4 else 547
        self._socket = namespace.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self._socket.setsockopt(socket.SOL_SOCKET, 33, CAPTURE_BUFFER_BYTES)  # SO_RCVBUFFORCE
        self._socket.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
        self._socket.bind((interface, ETH_P_ALL))
        self._socket.settimeout(0.2)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"capture-{interface}", daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            try:
                frame = self._socket.recv(65535)
            except socket.timeout:
                if self._stopping.is_set():
                    return
                continue
            self.frames += 1
            self._record(frame)

    def _record(self, frame):
        parsed = udp_payload(frame)
        if parsed is None:
            return
        family, source_port, _, payload = parsed
        if family != self.family or source_port != self._server_port:
            return
        if family == 4:
            acknowledgement = parse_ack4(payload)
            if acknowledgement:
                self.acknowledgements.append(acknowledgement)
        else:
            self.acknowledgements.extend(parse_reply6(payload))

    def stop(self):
        """Stop capturing once the frames already queued are read; returns the
        acknowledgements. Safe to call twice."""
        if self._thread is not None:
            self._stopping.set()
            self._thread.join(timeout=30)
            self._thread = None
            self._read_statistics()
            self._socket.close()
        return self.acknowledgements

    def _read_statistics(self):
        # struct tpacket_stats: packets received and packets dropped, each since the last read.
        packets, drops = struct.unpack("II", self._socket.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
        self.drops += drops

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False
