"""Hand-built DHCPv6 messages (RFC 8415) and relay-forward wrapping, for tests that act as
their own relay agent and need exact control over every option."""

import ipaddress
import struct

SOLICIT, ADVERTISE, REQUEST, REPLY, RELAY_FORW, RELAY_REPL = 1, 2, 3, 7, 12, 13
OPT_CLIENTID, OPT_SERVERID, OPT_IA_NA, OPT_IAADDR, OPT_ORO = 1, 2, 3, 5, 6
OPT_ELAPSED_TIME, OPT_RELAY_MSG, OPT_STATUS_CODE = 8, 9, 13
OPT_USER_CLASS, OPT_VENDOR_CLASS, OPT_VENDOR_OPTS = 15, 16, 17
OPT_INTERFACE_ID, OPT_DNS_SERVERS, OPT_REMOTE_ID = 18, 23, 37


def option(code, payload):
    return struct.pack("!HH", code, len(payload)) + payload


def parse_options(data):
    """Return [(code, payload)] for a run of DHCPv6 options; raises ValueError when one is cut."""
    found = []
    offset = 0
    while offset + 4 <= len(data):
        code, length = struct.unpack_from("!HH", data, offset)
        if offset + 4 + length > len(data):
            raise ValueError(f"option {code} at offset {offset} claims {length} bytes, "
                             f"only {len(data) - offset - 4} remain")
        found.append((code, bytes(data[offset + 4:offset + 4 + length])))
        offset += 4 + length
    if offset != len(data):
        raise ValueError(f"{len(data) - offset} stray bytes after the last option")
    return found


def first(options, code):
    for found_code, payload in options:
        if found_code == code:
            return payload
    return None


def ia_na(iaid, addresses=()):
    """Return an IA_NA option with T1 = T2 = 0 and an IAADDR hint per address."""
    hints = b"".join(option(OPT_IAADDR, ipaddress.IPv6Address(address).packed +
                            struct.pack("!II", 0, 0)) for address in addresses)
    return option(OPT_IA_NA, struct.pack("!III", iaid, 0, 0) + hints)


def client_message(message_type, transaction, options):
    """Return a client message; options is a list of (code, payload) in wire order."""
    return bytes([message_type]) + transaction.to_bytes(3, "big") + \
        b"".join(option(code, payload) for code, payload in options)


def relay_forward(inner, hops, link, peer, relay_options=()):
    """Wrap inner in a RELAY-FORW; relay_options (code, payload) go before the relay message."""
    body = bytes([RELAY_FORW, hops]) + ipaddress.IPv6Address(link).packed + \
        ipaddress.IPv6Address(peer).packed
    body += b"".join(option(code, payload) for code, payload in relay_options)
    return body + option(OPT_RELAY_MSG, inner)


def unwrap(reply):
    """Return ([(link, peer, options)], inner message) of a RELAY-REPL chain."""
    layers = []
    while reply and reply[0] == RELAY_REPL:
        link = str(ipaddress.IPv6Address(reply[2:18]))
        peer = str(ipaddress.IPv6Address(reply[18:34]))
        options = parse_options(reply[34:])
        layers.append((link, peer, options))
        reply = first(options, OPT_RELAY_MSG)
    return layers, reply
