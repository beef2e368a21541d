"""A real DHCPv4 client (ISC dhclient) on a directly connected link: lease, renew, release."""

import ipaddress
import unittest

from harness import leases, server
from harness.testcase import SystemTestCase

POOL_FIRST = "192.0.2.100"
POOL_LAST = "192.0.2.199"
VALID_LIFETIME = 60
# dhclient renews at T1, so a 3 s renew timer makes the renewal happen within the test.
RENEW_TIMER = 3
REBIND_TIMER = 40


def in_pool(address):
    value = ipaddress.IPv4Address(address)
    return ipaddress.IPv4Address(POOL_FIRST) <= value <= ipaddress.IPv4Address(POOL_LAST)


class Dhcp4ClientTest(SystemTestCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link()
        interface = self.link.server_interface
        config = server.dhcp4_config(
            self.workdir, interface,
            [server.direct_subnet4(1, f"{POOL_FIRST} - {POOL_LAST}", interface)],
            valid_lifetime=VALID_LIFETIME, renew_timer=RENEW_TIMER, rebind_timer=REBIND_TIMER)
        self.server = self.start_server(4, self.link, config)
        self.client = self.make_dhclient(4, self.link)

    def read_leases(self):
        return leases.read_lease_file(self.server.lease_file, 4)

    def test_client_gets_lease(self):
        self.client.start()
        bound = self.client.wait_for("BOUND")[0]

        address = bound["new_ip_address"]
        self.assertTrue(in_pool(address), f"{address} is outside the pool")
        self.assertEqual(int(bound["new_dhcp_lease_time"]), VALID_LIFETIME)
        self.assertEqual(bound["new_subnet_mask"], "255.255.255.0")
        lease = self.read_leases().current.get((leases.LEASE_TYPE_NA, address))
        self.assertIsNotNone(lease, f"no lease for {address} in {self.server.lease_file}")
        self.assertEqual(lease.hwaddr, self.link.client_mac())
        self.assertEqual(lease.subnet_id, 1)
        self.assertEqual(lease.valid_lifetime, VALID_LIFETIME)
        self.assertTrue(lease.active())

    def test_client_renews_lease(self):
        self.client.start()
        address = self.client.wait_for("BOUND")[0]["new_ip_address"]
        renewal = self.client.wait_for("RENEW")[0]

        self.assertEqual(renewal["new_ip_address"], address)
        history = self.read_leases().history(address)
        self.assertGreaterEqual(len(history), 2, "the renewal wrote no new lease row")
        self.assertGreater(history[-1].expire, history[0].expire)
        self.assertEqual(history[-1].hwaddr, history[0].hwaddr)
        self.assertTrue(history[-1].active())

    def test_client_releases_lease(self):
        self.client.start()
        address = self.client.wait_for("BOUND")[0]["new_ip_address"]
        self.assertIn((leases.LEASE_TYPE_NA, address), self.read_leases().current)

        self.assertEqual(self.client.release(), 0, self.client.output())

        self.assertEqual(len(self.client.events("RELEASE")), 1)
        lease = self.read_leases().current.get((leases.LEASE_TYPE_NA, address))
        self.assertTrue(lease is None or not lease.active(),
                        f"{address} is still leased after the release: {lease}")

    def test_client_gets_same_address_again(self):
        self.client.start()
        first = self.client.wait_for("BOUND")[0]["new_ip_address"]
        self.client.stop()

        # A client that restarts with its lease file requests its address again (INIT-REBOOT).
        self.client.start()
        rebound = self.client.wait_for("REBOOT")[0]["new_ip_address"]

        self.assertEqual(rebound, first)


if __name__ == "__main__":
    unittest.main()
