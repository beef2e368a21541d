"""A DHCPv4 pool filled to its last address, then full, and a server restarted with leases."""

import ipaddress
import socket
import unittest

from harness import dhcp4, leases, server
from harness.testcase import SystemTestCase

POOL_FIRST = ipaddress.IPv4Address("198.18.2.0")
POOL_SIZE = 256
POOL = f"{POOL_FIRST} - {POOL_FIRST + POOL_SIZE - 1}"
# Seconds the relay agent waits for each reply. A full pool is shown by silence, so the
# tests that expect no reply spend this long per attempt.
REPLY_TIMEOUT = 2.0


class Dhcp4PoolTest(SystemTestCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link(relay=True)
        self.config = server.dhcp4_config(self.workdir, self.link.server_interface,
                                          [server.relayed_subnet4(2, POOL)], valid_lifetime=3600)
        self.server = self.start_server(4, self.link, self.config)
        self.relay = dhcp4.RelayAgent4(self.link.client, reply_timeout=REPLY_TIMEOUT)
        self.addCleanup(self.relay.close)

    def fill_pool(self):
        """Lease every pool address to its own client; return {mac: address}."""
        holders = {}
        for number in range(1, POOL_SIZE + 1):
            mac = dhcp4.numbered_mac(number)
            offer, attempt = self.relay.discover(mac)
            self.assertIsNotNone(offer, f"client {number} of {POOL_SIZE}: no OFFER")
            self.assertEqual(offer.message_type, dhcp4.OFFER)
            # Every first DISCOVER must get an OFFER, including the one for the last free
            # address, because a server that searches too long makes the client retransmit.
            self.assertEqual(attempt, 1, f"client {number}: DISCOVER needed retransmission")
            ack, attempt = self.relay.request_offered(mac, offer)
            self.assertIsNotNone(ack, f"client {number}: no reply to REQUEST")
            self.assertEqual(ack.message_type, dhcp4.ACK, f"client {number}: {ack.message_name}")
            holders[mac] = ack.yiaddr
            self.server_identifier = ack.server_id
        return holders

    def test_last_address_offered_then_pool_full(self):
        holders = self.fill_pool()

        addresses = set(holders.values())
        self.assertEqual(len(addresses), POOL_SIZE, "an address was leased twice")
        expected = {str(POOL_FIRST + offset) for offset in range(POOL_SIZE)}
        self.assertEqual(addresses, expected)
        self.assertEqual(len(leases.read_lease_file(self.server.lease_file, 4).active()), POOL_SIZE)

        newcomer = dhcp4.numbered_mac(POOL_SIZE + 1)
        offer, _ = self.relay.discover(newcomer, attempts=2)
        self.assertIsNone(offer, f"full pool answered a new client with {offer and offer.message_name}")

    def test_full_pool_naks_request_for_taken_address(self):
        holders = self.fill_pool()
        leased_address = next(iter(holders.values()))

        # A SELECTING-state REQUEST naming this server: RFC 2131 lets a server stay silent
        # to an INIT-REBOOT client it has no record of, but not to this one.
        newcomer = dhcp4.numbered_mac(POOL_SIZE + 1)
        options = [(dhcp4.OPTION_REQUESTED_ADDRESS, socket.inet_aton(leased_address)),
                   (dhcp4.OPTION_SERVER_ID, socket.inet_aton(self.server_identifier))]
        reply, _ = self.relay.exchange(self.relay.new_message(dhcp4.REQUEST, newcomer, options),
                                       attempts=2)

        self.assertIsNotNone(reply, "no reply to a REQUEST for an address leased to another client")
        self.assertEqual(reply.message_type, dhcp4.NAK, reply.message_name)

    def test_released_address_goes_to_waiting_client(self):
        holders = self.fill_pool()
        leaver, freed = next(iter(holders.items()))
        self.relay.release(leaver, freed, self.server_identifier)

        # The release is not acknowledged, so the newcomer retries until the server has
        # processed it.
        newcomer = dhcp4.numbered_mac(POOL_SIZE + 1)
        offer, _ = self.relay.discover(newcomer, attempts=5)

        self.assertIsNotNone(offer, "the released address was not offered")
        self.assertEqual(offer.yiaddr, freed)

    def test_restarted_server_keeps_leases(self):
        holders = {}
        for number in range(1, 17):
            mac = dhcp4.numbered_mac(number)
            holders[mac] = self.relay.acquire(mac).yiaddr
        self.stop_server_cleanly(self.server)

        self.server.start()

        for mac, address in holders.items():
            reply, _ = self.relay.request_init_reboot(mac, address, attempts=3)
            self.assertIsNotNone(reply, f"{mac}: no reply after the restart")
            self.assertEqual(reply.message_type, dhcp4.ACK, f"{mac}: {reply.message_name}")
            self.assertEqual(reply.yiaddr, address)
        for number in range(17, 33):
            offer, _ = self.relay.discover(dhcp4.numbered_mac(number), attempts=3)
            self.assertIsNotNone(offer)
            self.assertNotIn(offer.yiaddr, set(holders.values()),
                             "the restarted server offered an address that is still leased")


if __name__ == "__main__":
    unittest.main()
