#!/usr/bin/env python3
"""Send the crafted DHCPv4 packets of the golden set to Kea at 192.0.2.1.

Run inside the client namespace of capture.sh. Builds each packet byte by byte with struct,
independently of the codec under test:
  - a relayed DISCOVER with relay agent information (option 82): circuit-id, remote-id and
    subscriber-id, sent from 192.0.2.10:67 as a relay agent would;
  - a DISCOVER whose options overflow into `file` and `sname` (option 52 = 3), with the
    parameter request list split between the options field and `file`;
  - a DISCOVER with RFC 3396 split options: a host name in two pieces and a 302-byte user
    class in pieces of 255 and 47 bytes, from the MAC that has a reservation with a 300-byte
    option 224 in Kea's configuration.
"""
import socket
import struct

SERVER = "192.0.2.1"
INTERFACE = b"lhcodec-c"
COOKIE = bytes([99, 130, 83, 99])


def header(xid, mac, flags=0, giaddr="0.0.0.0", hops=0, sname=b"", file=b""):
    chaddr = bytes.fromhex(mac.replace(":", "")).ljust(16, b"\0")
    return (struct.pack("!BBBBIHH", 1, 1, 6, hops, xid, 0, flags)
            + socket.inet_aton("0.0.0.0") * 3 + socket.inet_aton(giaddr)
            + chaddr + sname.ljust(64, b"\0") + file.ljust(128, b"\0") + COOKIE)


def opt(code, payload):
    assert len(payload) < 256
    return bytes([code, len(payload)]) + payload


def client_id(mac):
    return opt(61, b"\x01" + bytes.fromhex(mac.replace(":", "")))


def pad_to_300(packet):
    return packet.ljust(300, b"\0")


def relayed_discover_with_option82():
    mac = "02:00:00:00:82:01"
    rai = (opt(1, b"lhcodec-c:vlan100") + opt(2, bytes.fromhex("020000008201"))
           + opt(6, b"subscriber-0042"))
    options = (opt(53, b"\x01") + client_id(mac) + opt(55, bytes([1, 3, 6, 15, 51]))
               + opt(82, rai) + b"\xff")
    return pad_to_300(header(0x82820001, mac, giaddr="192.0.2.10", hops=1) + options)


def overloaded_discover():
    mac = "02:00:00:00:52:03"
    file_options = opt(55, bytes([28, 42, 51])) + opt(12, b"overload-client") + b"\xff"
    sname_options = opt(60, b"lhcodec-overload") + b"\xff"
    options = (opt(53, b"\x01") + opt(52, b"\x03") + client_id(mac)
               + opt(55, bytes([1, 3, 6, 15])) + opt(57, struct.pack("!H", 1500)) + b"\xff")
    return pad_to_300(header(0x52520003, mac, flags=0x8000, sname=sname_options,
                             file=file_options) + options)


def split_option_discover():
    mac = "02:00:00:00:33:96"
    user_class = bytes([150]) + b"A" * 150 + bytes([150]) + b"B" * 150
    options = (opt(53, b"\x01") + client_id(mac) + opt(12, b"lhcodec-") + opt(12, b"split")
               + opt(77, user_class[:255]) + opt(77, user_class[255:])
               + opt(55, bytes([1, 3, 6, 224])) + b"\xff")
    return pad_to_300(header(0x33960001, mac, flags=0x8000) + options)


def send(packet, source_port, destination):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, INTERFACE)
        sock.bind(("0.0.0.0", source_port))
        sock.sendto(packet, (destination, 67))


def main():
    import time
    send(relayed_discover_with_option82(), 67, SERVER)
    time.sleep(1)
    send(overloaded_discover(), 68, "255.255.255.255")
    time.sleep(1)
    send(split_option_discover(), 68, "255.255.255.255")
    time.sleep(1)


if __name__ == "__main__":
    main()
