"""DHCPv6 through relay agents, across a server restart, and on a lease file Kea 2.2 wrote.

The relay agent is this test itself: it sends RELAY-FORW messages from the client namespace
to the server's unicast address, one and two relay levels deep, and reads the RELAY-REPL.
"""

import ipaddress
import os
import shutil
import socket
import struct
import unittest

from harness import control as control_channel
from harness import dhcp6, leases, netns, server
from harness.dhcp6 import (ADVERTISE, OPT_CLIENTID, OPT_ELAPSED_TIME, OPT_IA_NA, OPT_IAADDR,
                           OPT_INTERFACE_ID, OPT_REMOTE_ID, OPT_RELAY_MSG, OPT_SERVERID, REPLY,
                           REQUEST, SOLICIT, first, ia_na, option, parse_options, unwrap)
from harness.testcase import SystemTestCase

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KEA_LEASE_FILE = os.path.join(SOURCE_DIR, "tests", "unit", "backends", "memfile", "testdata",
                              "kea22-leases6.csv")

RELAYED_SUBNET = "2001:db8:2::/64"
RELAYED_POOL = "2001:db8:2::100-2001:db8:2::1ff"
RELAY_LINK = "2001:db8:2::1"
OUTER_LINK = "2001:db8:ffff::1"
PEER = "fe80::1234"

CLIENT_DUID = bytes.fromhex("00030001020000000042")
REMOTE_ID = struct.pack("!I", 9) + b"port-9"


def client_message(message_type, transaction, extra=b"", address=None):
    """Return a client message with one IA_NA (IAID 7), hinting `address` when given."""
    options = [(OPT_CLIENTID, CLIENT_DUID), (OPT_ELAPSED_TIME, b"\0\0")]
    options += parse_options(extra)
    return (dhcp6.client_message(message_type, transaction, options) +
            ia_na(7, [address] if address is not None else []))


def relay_forward(inner, hops, link, peer, interface_id=None):
    """Wrap inner in a RELAY-FORW with a remote-id and, when given, an interface-id."""
    relay_options = []
    if interface_id is not None:
        relay_options.append((OPT_INTERFACE_ID, interface_id))
    relay_options.append((OPT_REMOTE_ID, REMOTE_ID))
    return dhcp6.relay_forward(inner, hops, link, peer, relay_options)


def ia_addresses(message):
    """Return the IAADDR addresses of the IA_NA options of a client-facing message."""
    addresses = []
    for code, payload in parse_options(message[4:]):
        if code == OPT_IA_NA:
            for inner_code, inner in parse_options(payload[12:]):
                if inner_code == OPT_IAADDR:
                    addresses.append(str(ipaddress.IPv6Address(inner[:16])))
    return addresses


class Dhcp6RelayTest(SystemTestCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link(relay=True)
        interface = self.link.server_interface
        config = server.dhcp6_config(
            self.workdir, interface,
            [{"id": 2, "subnet": RELAYED_SUBNET, "pools": [{"pool": RELAYED_POOL}]}],
            preferred_lifetime=3000, valid_lifetime=4000)
        self.server = self.start_server(6, self.link, config)
        self.relay = self.link.client.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.addCleanup(self.relay.close)
        self.relay.bind((netns.CLIENT_V6, 547))
        self.relay.settimeout(5)

    def exchange(self, message):
        self.relay.sendto(message, (netns.SERVER_V6, 547))
        reply, sender = self.relay.recvfrom(65536)
        self.assertEqual(sender[0], netns.SERVER_V6)
        return reply

    def test_relayed_solicit_and_request_get_a_lease(self):
        solicit = relay_forward(client_message(SOLICIT, 0x101), 0, RELAY_LINK, PEER, b"eth7")
        layers, advertise = unwrap(self.exchange(solicit))

        self.assertEqual(len(layers), 1)
        link, peer, options = layers[0]
        self.assertEqual((link, peer), (RELAY_LINK, PEER))
        self.assertEqual(first(options, OPT_INTERFACE_ID), b"eth7")
        self.assertIsNone(first(options, OPT_REMOTE_ID), "remote-id is not echoed")
        self.assertEqual(advertise[0], ADVERTISE)
        offered = ia_addresses(advertise)
        self.assertEqual(len(offered), 1, advertise.hex())
        self.assertIn(ipaddress.IPv6Address(offered[0]), ipaddress.IPv6Network(RELAYED_SUBNET))

        server_id = first(parse_options(advertise[4:]), OPT_SERVERID)
        request = relay_forward(
            client_message(REQUEST, 0x102, option(OPT_SERVERID, server_id), offered[0]),
            0, RELAY_LINK, PEER, b"eth7")
        _, reply = unwrap(self.exchange(request))
        self.assertEqual(reply[0], REPLY)
        self.assertEqual(ia_addresses(reply), offered)

        lease = leases.read_lease_file(self.server.lease_file, 6).current.get(
            (leases.LEASE_TYPE_NA, offered[0]))
        self.assertIsNotNone(lease, f"no lease for {offered[0]}")
        self.assertEqual(lease.subnet_id, 2)
        self.assertEqual(lease.duid, ":".join(f"{byte:02x}" for byte in CLIENT_DUID))

    def test_two_relay_levels_are_answered_through_both(self):
        inner = relay_forward(client_message(SOLICIT, 0x201), 0, RELAY_LINK, PEER, b"port-3")
        outer = relay_forward(inner, 1, OUTER_LINK, "fe80::99")
        layers, advertise = unwrap(self.exchange(outer))

        self.assertEqual([(link, peer) for link, peer, _ in layers],
                         [(OUTER_LINK, "fe80::99"), (RELAY_LINK, PEER)])
        self.assertEqual(first(layers[1][2], OPT_INTERFACE_ID), b"port-3")
        self.assertEqual(advertise[0], ADVERTISE)
        # The innermost relay's link address selects the subnet.
        self.assertIn(ipaddress.IPv6Address(ia_addresses(advertise)[0]),
                      ipaddress.IPv6Network(RELAYED_SUBNET))


class Dhcp6RestartTest(SystemTestCase):

    def config(self, **parameters):
        interface = self.link.server_interface
        return server.dhcp6_config(
            self.workdir, interface,
            [server.subnet6(1, "2001:db8:1::1000-2001:db8:1::1fff", interface,
                            "2001:db8:8::", 48, 64)],
            preferred_lifetime=40, valid_lifetime=60, renew_timer=3, rebind_timer=30,
            **parameters)

    def test_restarted_server_keeps_and_renews_leases(self):
        self.link = self.make_link()
        first_server = self.start_server(6, self.link, self.config())
        client = self.make_dhclient(6, self.link, flags=["-N"])
        client.start()
        address = client.wait_for("BOUND6")[0]["new_ip6_address"]
        self.stop_server_cleanly(first_server)

        second_server = self.start_server(6, self.link, self.config())
        lease = leases.read_lease_file(second_server.lease_file, 6).current.get(
            (leases.LEASE_TYPE_NA, address))
        self.assertIsNotNone(lease, f"{address} was lost across the restart")
        self.assertTrue(lease.active())
        renewal = client.wait_for("RENEW6")[0]
        self.assertEqual(renewal.get("new_ip6_address"), address)

    def test_lease_file_written_by_kea_loads(self):
        self.link = self.make_link()
        lease_file = os.path.join(self.workdir, "leases6.csv")
        shutil.copyfile(KEA_LEASE_FILE, lease_file)
        socket_path = os.path.join(self.workdir, "control.sock")
        config = self.config(control_socket={"socket-type": "unix", "socket-name": socket_path})
        config["Dhcp6"]["subnet6"].append({"id": 2, "subnet": "2001:db8:2::/64"})
        self.start_server(6, self.link, config)

        answer = control_channel.command(socket_path, "lease6-get-all")
        self.assertEqual(answer["result"], 0, answer)
        loaded = {(lease["ip-address"], lease["type"]) for lease in answer["arguments"]["leases"]}
        # Later rows replace earlier ones; a valid lifetime of 0 deletes the address.
        expected = {}
        with open(KEA_LEASE_FILE) as kea_file:
            for line in kea_file.read().splitlines()[1:]:
                row = line.split(",")
                if row[2] == "0":
                    expected.pop(row[0], None)
                else:
                    expected[row[0]] = {"0": "IA_NA", "1": "IA_TA", "2": "IA_PD"}[row[6]]
        self.assertEqual(loaded, set(expected.items()))


if __name__ == "__main__":
    unittest.main()
