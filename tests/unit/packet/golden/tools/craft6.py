#!/usr/bin/env python3
"""Send the crafted DHCPv6 packet of the golden set: a SOLICIT behind two relay agents.

Run inside the client namespace of capture.sh. The outer RELAY-FORW (hop count 1) wraps the
inner one (hop count 0), and each carries an interface-id and a remote-id. The inner relay's
link address 2001:db8:2::1 selects Kea's second subnet. The packet is built byte by byte with
struct, independently of the codec under test, and sent to ff02::1:2 from port 547.
"""
import socket
import struct
import time

INTERFACE = "lhcodec-c"


def opt(code, payload):
    return struct.pack("!HH", code, len(payload)) + payload


def relay_forw(hop_count, link, peer, options, inner):
    return (bytes([12, hop_count]) + socket.inet_pton(socket.AF_INET6, link)
            + socket.inet_pton(socket.AF_INET6, peer) + options + opt(9, inner))


def solicit():
    duid = struct.pack("!HH", 3, 1) + bytes.fromhex("020000000606")
    ia_na = opt(3, struct.pack("!III", 1, 0, 0))
    ia_pd = opt(25, struct.pack("!III", 2, 0, 0))
    return (bytes([1]) + (0x6a0601).to_bytes(3, "big") + opt(1, duid) + ia_na + ia_pd
            + opt(8, struct.pack("!H", 0)) + opt(6, struct.pack("!HH", 23, 24)))


def main():
    inner = relay_forw(0, "2001:db8:2::1", "fe80::ff:fe00:606",
                       opt(18, b"eth0/7") + opt(37, struct.pack("!I", 3561) + b"rid-inner-7"),
                       solicit())
    outer = relay_forw(1, "2001:db8:3::1", "fe80::2:1",
                       opt(18, b"agg-1/1") + opt(37, struct.pack("!I", 4491) + b"rid-outer"),
                       inner)
    with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, INTERFACE.encode())
        sock.bind(("::", 547))
        scope = socket.if_nametoindex(INTERFACE)
        sock.sendto(outer, ("ff02::1:2", 547, 0, scope))
    time.sleep(1)


if __name__ == "__main__":
    main()
