"""Relayed DHCPv4: perfdhcp in relay mode, and option 82 echoed back to the relay agent."""

import ipaddress
import unittest

from harness import dhcp4, leases, netns, perfdhcp, server
from harness.testcase import SystemTestCase

RELAYED_POOL = "198.18.1.0 - 198.18.31.255"
EXCHANGES = 500


def in_relayed_pool(address):
    first, last = (ipaddress.IPv4Address(part.strip()) for part in RELAYED_POOL.split("-"))
    return first <= ipaddress.IPv4Address(address) <= last


class Dhcp4RelayTest(SystemTestCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link(relay=True)
        config = server.dhcp4_config(
            self.workdir, self.link.server_interface,
            [server.relayed_subnet4(2, RELAYED_POOL)], valid_lifetime=3600)
        self.server = self.start_server(4, self.link, config)

    def test_perfdhcp_relayed_exchanges_complete(self):
        # -R far above -n makes (nearly) every exchange a new client; -d 5 gives a slow but
        # working server 5 s per reply before perfdhcp counts it lost; -W 2 s lets the last
        # replies arrive before perfdhcp stops listening.
        result = perfdhcp.run(self.link.client, [
            "-4", "-l", netns.RELAY_V4, "-r", "500", "-n", str(EXCHANGES), "-R", "1000000",
            "-d", "5", "-W", "2000000", netns.SERVER_V4], timeout=120)

        offers = result.exchange("DISCOVER-OFFER")
        acks = result.exchange("REQUEST-ACK")
        # perfdhcp checks -n only after sending a batch, so it may send one or two more.
        self.assertGreaterEqual(offers.sent, EXCHANGES, result.output)
        self.assertEqual(offers.received, offers.sent, result.output)
        self.assertEqual(acks.sent, offers.sent, result.output)
        self.assertEqual(acks.received, offers.sent, result.output)
        self.assertEqual(offers.rejected_leases + acks.rejected_leases, 0, result.output)
        self.assertEqual(acks.non_unique_addresses, 0, result.output)
        self.assertEqual(result.returncode, 0, result.output)

        active = leases.read_lease_file(self.server.lease_file, 4).active()
        self.assertGreater(len(active), EXCHANGES * 9 // 10)
        self.assertTrue(all(in_relayed_pool(lease.address) for lease in active))
        self.assertTrue(all(lease.subnet_id == 2 for lease in active))
        hardware_addresses = [lease.hwaddr for lease in active]
        self.assertEqual(len(set(hardware_addresses)), len(hardware_addresses),
                         "a client holds more than one address")

    def test_option82_echoed_in_offer_and_ack(self):
        info = dhcp4.relay_agent_info(b"switch7/port12", b"\x00\x11\x22\x33\x44\x55")
        mac = dhcp4.numbered_mac(82)
        with dhcp4.RelayAgent4(self.link.client) as relay:
            offer, _ = relay.discover(mac, [(dhcp4.OPTION_RELAY_AGENT_INFO, info)], attempts=3)
            self.assertIsNotNone(offer, "no reply to the relayed DISCOVER")
            self.assertEqual(offer.message_type, dhcp4.OFFER)
            self.assertEqual(offer.option(dhcp4.OPTION_RELAY_AGENT_INFO), info)
            self.assertEqual(offer.giaddr, netns.RELAY_V4)
            self.assertTrue(in_relayed_pool(offer.yiaddr))

            ack, _ = relay.request_offered(mac, offer, [(dhcp4.OPTION_RELAY_AGENT_INFO, info)],
                                           attempts=3)
            self.assertIsNotNone(ack, "no reply to the relayed REQUEST")
            self.assertEqual(ack.message_type, dhcp4.ACK)
            self.assertEqual(ack.yiaddr, offer.yiaddr)
            self.assertEqual(ack.option(dhcp4.OPTION_RELAY_AGENT_INFO), info)

        lease = leases.read_lease_file(self.server.lease_file, 4).current.get(
            (leases.LEASE_TYPE_NA, ack.yiaddr))
        self.assertIsNotNone(lease)
        self.assertEqual(lease.hwaddr, mac)
        self.assertEqual(lease.subnet_id, 2)

    def test_reply_without_option82_has_none(self):
        mac = dhcp4.numbered_mac(83)
        with dhcp4.RelayAgent4(self.link.client) as relay:
            offer, _ = relay.discover(mac, attempts=3)
        self.assertIsNotNone(offer)
        self.assertIsNone(offer.option(dhcp4.OPTION_RELAY_AGENT_INFO))


if __name__ == "__main__":
    unittest.main()
