#!/usr/bin/env python3
"""Turn the pcap files of capture.sh into the golden hex files.

Usage: extract.py PCAP_DIR GOLDEN_DIR

Each rule below names a pcap file, picks one packet by its DHCP message type (the n-th of
that type, optionally with a condition on the payload) and writes its UDP payload to
GOLDEN_DIR/v4 or GOLDEN_DIR/v6. Rules with a frame name also write the whole Ethernet frame to
GOLDEN_DIR/frame4. A rule that matches nothing stops the script, so a capture that went wrong
cannot silently produce a short golden set.
"""
import os
import struct
import sys

# DHCPv4 message types and DHCPv6 message types by name.
V4 = {"discover": 1, "offer": 2, "request": 3, "ack": 5, "release": 7}
V6 = {"solicit": 1, "advertise": 2, "request": 3, "renew": 5, "reply": 7, "release": 8,
      "relay-forw": 12, "relay-repl": 13}


def ciaddr_set(payload):
    return payload[12:16] != b"\0\0\0\0"


# (pcap, family, type, index among matches, condition, payload golden, frame golden)
RULES = [
    ("v4-dhclient", 4, "discover", 0, None, "dhclient-discover", "dhclient-discover"),
    ("v4-dhclient", 4, "offer", 0, None, "kea-offer", "kea-offer"),
    ("v4-dhclient", 4, "request", 0, lambda p: not ciaddr_set(p), "dhclient-request-selecting",
     "dhclient-request-selecting"),
    ("v4-dhclient", 4, "ack", 0, None, "kea-ack", "kea-ack"),
    ("v4-dhclient", 4, "request", 0, ciaddr_set, "dhclient-request-renewing", None),
    ("v4-dhclient", 4, "release", 0, None, "dhclient-release", None),
    ("v4-perfdhcp", 4, "discover", 0, None, "perfdhcp-relayed-discover", None),
    ("v4-perfdhcp", 4, "offer", 0, None, "kea-offer-to-relay", None),
    ("v4-crafted", 4, "discover", 0, None, "crafted-option82-discover", None),
    ("v4-crafted", 4, "offer", 0, None, "kea-offer-option82", None),
    ("v4-crafted", 4, "discover", 1, None, "crafted-overload-discover", None),
    ("v4-crafted", 4, "offer", 1, None, "kea-offer-overload-client", None),
    ("v4-crafted", 4, "discover", 2, None, "crafted-split-discover", None),
    ("v4-crafted", 4, "offer", 2, None, "kea-offer-split-option", None),
    ("v6-dhclient", 6, "solicit", 0, None, "dhclient-solicit", None),
    ("v6-dhclient", 6, "advertise", 0, None, "kea-advertise", None),
    ("v6-dhclient", 6, "request", 0, None, "dhclient-request", None),
    ("v6-dhclient", 6, "reply", 0, None, "kea-reply", None),
    ("v6-dhclient", 6, "renew", 0, None, "dhclient-renew", None),
    ("v6-dhclient", 6, "release", 0, None, "dhclient-release", None),
    ("v6-dhclient", 6, "reply", 2, None, "kea-reply-to-release", None),
    ("v6-perfdhcp", 6, "solicit", 0, None, "perfdhcp-solicit", None),
    ("v6-perfdhcp", 6, "relay-forw", 0, None, "perfdhcp-relay-forw", None),
    ("v6-perfdhcp", 6, "relay-repl", 0, None, "kea-relay-repl", None),
    ("v6-crafted", 6, "relay-forw", 0, None, "crafted-two-relays-solicit", None),
    ("v6-crafted", 6, "relay-repl", 0, None, "kea-two-relays-advertise", None),
]


def read_pcap(path):
    """Yield (frame number, frame bytes) from a libpcap file with Ethernet link type."""
    with open(path, "rb") as handle:
        data = handle.read()
    magic, = struct.unpack("<I", data[:4])
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    linktype, = struct.unpack(endian + "I", data[20:24])
    if linktype != 1:
        sys.exit(f"{path}: link type {linktype}, expected Ethernet (1)")
    pos, number = 24, 0
    while pos + 16 <= len(data):
        _, _, captured, _ = struct.unpack(endian + "IIII", data[pos:pos + 16])
        number += 1
        yield number, data[pos + 16:pos + 16 + captured]
        pos += 16 + captured


def udp_payload(frame):
    """Return (family, payload) for an IPv4 or IPv6 UDP frame, else None."""
    ether_type, = struct.unpack("!H", frame[12:14])
    if ether_type == 0x0800:
        ihl = (frame[14] & 0x0F) * 4
        if frame[23] != 17:
            return None
        udp = frame[14 + ihl:]
        return 4, udp[8:struct.unpack("!H", udp[4:6])[0]]
    if ether_type == 0x86DD:
        if frame[20] != 17:
            return None
        udp = frame[54:]
        return 6, udp[8:struct.unpack("!H", udp[4:6])[0]]
    return None


def message_type(family, payload):
    if family == 6:
        return payload[0]
    pos = 240
    while pos < len(payload):
        code = payload[pos]
        if code == 0:
            pos += 1
            continue
        if code == 255 or pos + 1 >= len(payload):
            return None
        if code == 53:
            return payload[pos + 2]
        pos += 2 + payload[pos + 1]
    return None


def write_hex(path, data, origin):
    lines = [f"# {origin}"]
    lines += [data[i:i + 16].hex(" ") for i in range(0, len(data), 16)]
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")


def main():
    pcap_dir, golden_dir = sys.argv[1], sys.argv[2]
    for sub in ("v4", "v6", "frame4"):
        os.makedirs(os.path.join(golden_dir, sub), exist_ok=True)
    for pcap, family, type_name, index, condition, name, frame_name in RULES:
        expected_type = (V4 if family == 4 else V6)[type_name]
        matches = []
        for number, frame in read_pcap(os.path.join(pcap_dir, pcap + ".pcap")):
            found = udp_payload(frame)
            if not found or found[0] != family:
                continue
            payload = found[1]
            if message_type(family, payload) != expected_type:
                continue
            if condition and not condition(payload):
                continue
            matches.append((number, frame, payload))
        if len(matches) <= index:
            sys.exit(f"{pcap}.pcap: no {type_name} number {index + 1} for {name}")
        number, frame, payload = matches[index]
        origin = f"{pcap}.pcap frame {number}"
        write_hex(os.path.join(golden_dir, f"v{family}", name + ".hex"), payload, origin)
        if frame_name:
            write_hex(os.path.join(golden_dir, "frame4", frame_name + ".hex"), frame, origin)
        print(f"{name}: {origin}, {len(payload)} bytes")


if __name__ == "__main__":
    main()
