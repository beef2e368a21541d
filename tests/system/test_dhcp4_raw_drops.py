"""Raw-socket DHCPv4 frames the server drops before decoding DHCP: IPv4 fragments and frames
with a bad IP header or UDP checksum are counted in statistics, not lost silently.

The client end writes hand-made Ethernet frames through its own AF_PACKET socket, because no
DHCP client sends broken frames on purpose.
"""

import os
import socket
import struct
import unittest

from harness import control, dhcp4, server
from harness.testcase import SystemTestCase

STATISTICS_TIMEOUT = 10
ETH_P_IP = 0x0800
IP_MORE_FRAGMENTS = 0x2000


def checksum(data):
    """Return the Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def dhcp_frame(source_mac, payload, *, corrupt_ip_checksum=False, corrupt_udp_checksum=False,
               fragment_bits=0, udp_length=None):
    """Return an Ethernet frame carrying payload from 0.0.0.0:68 to 255.255.255.255:67."""
    source_ip = socket.inet_aton("0.0.0.0")
    destination_ip = socket.inet_aton("255.255.255.255")
    udp_length = udp_length if udp_length is not None else 8 + len(payload)
    pseudo_header = source_ip + destination_ip + struct.pack("!BBH", 0, 17, udp_length)
    udp = struct.pack("!HHHH", 68, 67, udp_length, 0) + payload
    udp_checksum = checksum(pseudo_header + udp) or 0xffff
    if corrupt_udp_checksum:
        udp_checksum ^= 0x0101
    udp = udp[:6] + struct.pack("!H", udp_checksum) + udp[8:]

    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0x1234, fragment_bits, 64, 17, 0,
                     source_ip, destination_ip)
    ip_checksum = checksum(ip)
    if corrupt_ip_checksum:
        ip_checksum ^= 0x0101
    ip = ip[:10] + struct.pack("!H", ip_checksum) + ip[12:]
    return b"\xff" * 6 + source_mac + struct.pack("!H", ETH_P_IP) + ip + udp


class RawDhcp4Case(SystemTestCase):
    """A DHCPv4 server on raw sockets and a client end that writes Ethernet frames itself."""

    def setUp(self):
        super().setUp()
        self.link = self.make_link()
        interface = self.link.server_interface
        self.socket_path = os.path.join(self.workdir, "control.sock")
        config = server.dhcp4_config(
            self.workdir, interface,
            [server.direct_subnet4(1, "192.0.2.100 - 192.0.2.199", interface)])
        config["Dhcp4"]["control-socket"] = {"socket-type": "unix",
                                             "socket-name": self.socket_path}
        self.server = self.start_server(4, self.link, config)
        self.raw = self.link.client.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.raw.bind((self.link.client_interface, 0))
        self.addCleanup(self.raw.close)
        self.mac = dhcp4.mac_bytes(self.link.client_mac())

    def discover(self, number):
        return dhcp4.Dhcp4Message(xid=number, chaddr=self.mac, flags=0x8000, options=[
            (dhcp4.OPTION_MESSAGE_TYPE, bytes([dhcp4.DISCOVER]))]).encode()

    def wait_for_statistics(self, expected):
        return control.wait_for_statistics(self.socket_path, expected, STATISTICS_TIMEOUT)


class Dhcp4RawDropsTest(RawDhcp4Case):

    def test_valid_frame_is_served(self):
        self.raw.send(dhcp_frame(self.mac, self.discover(1)))
        self.wait_for_statistics({"pkt4-received": 1, "pkt4-offer-sent": 1,
                                  "pkt4-receive-drop": 0})

    def test_bad_checksums_are_counted(self):
        self.raw.send(dhcp_frame(self.mac, self.discover(2), corrupt_ip_checksum=True))
        self.raw.send(dhcp_frame(self.mac, self.discover(3), corrupt_udp_checksum=True))
        self.wait_for_statistics({"pkt4-checksum-dropped": 2, "pkt4-receive-drop": 2,
                                  "pkt4-fragment-dropped": 0, "pkt4-parse-failed": 0,
                                  "pkt4-offer-sent": 0})

    def test_fragmented_message_is_counted_once(self):
        # A 1600-byte DHCP message split as a sender with a 1500-byte MTU would: the first
        # fragment carries the UDP header, the second only the rest of the payload.
        message = self.discover(4) + b"\0" * (1600 - len(self.discover(4)))
        whole = dhcp_frame(self.mac, message)
        ip_and_udp = whole[14:]
        first_payload = ip_and_udp[20:20 + 1480]
        rest = ip_and_udp[20 + 1480:]
        first = dhcp_frame(self.mac, message, fragment_bits=IP_MORE_FRAGMENTS)
        first = first[:14 + 20] + first_payload
        first = self.with_ip_total_length(first, 20 + len(first_payload))
        second = self.with_ip_total_length(
            first[:14 + 20] + rest, 20 + len(rest), fragment_bits=1480 // 8)
        self.raw.send(first)
        self.raw.send(second)
        self.wait_for_statistics({"pkt4-fragment-dropped": 1, "pkt4-receive-drop": 1,
                                  "pkt4-checksum-dropped": 0, "pkt4-offer-sent": 0})

    @staticmethod
    def with_ip_total_length(frame, total_length, fragment_bits=None):
        """Return frame with its IP total length (and fragment field) set and checksum fixed."""
        ip = bytearray(frame[14:14 + 20])
        ip[2:4] = struct.pack("!H", total_length)
        if fragment_bits is not None:
            ip[6:8] = struct.pack("!H", fragment_bits)
        ip[10:12] = b"\0\0"
        ip[10:12] = struct.pack("!H", checksum(bytes(ip)))
        return frame[:14] + bytes(ip) + frame[14 + 20:]


if __name__ == "__main__":
    unittest.main()
