"""A real DHCPv6 client (ISC dhclient -6) asking for an address and a delegated prefix."""

import ipaddress
import unittest

from harness import dhclient, leases, server
from harness.testcase import SystemTestCase

POOL = "2001:db8:1::1000-2001:db8:1::1fff"
PD_PREFIX = "2001:db8:8::"
PD_LENGTH = 48
DELEGATED_LENGTH = 64
PREFERRED_LIFETIME = 40
VALID_LIFETIME = 60
# dhclient -6 renews at T1, so a 3 s renew timer makes the renewal happen within the test.
RENEW_TIMER = 3
REBIND_TIMER = 30


def in_pool(address):
    first, last = (ipaddress.IPv6Address(part) for part in POOL.split("-"))
    return first <= ipaddress.IPv6Address(address) <= last


class Dhcp6ClientTest(SystemTestCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link()
        interface = self.link.server_interface
        config = server.dhcp6_config(
            self.workdir, interface,
            [server.subnet6(1, POOL, interface, PD_PREFIX, PD_LENGTH, DELEGATED_LENGTH)],
            preferred_lifetime=PREFERRED_LIFETIME, valid_lifetime=VALID_LIFETIME,
            renew_timer=RENEW_TIMER, rebind_timer=REBIND_TIMER)
        self.server = self.start_server(6, self.link, config)
        self.client = self.make_dhclient(6, self.link, flags=["-N", "-P"])

    def read_leases(self):
        return leases.read_lease_file(self.server.lease_file, 6)

    def bind(self):
        """Start the client and return (address, prefix) from its two BOUND6 events."""
        self.client.start()
        events = self.client.wait_for("BOUND6", count=2)
        addresses = [event["new_ip6_address"] for event in events if "new_ip6_address" in event]
        prefixes = [event["new_ip6_prefix"] for event in events if "new_ip6_prefix" in event]
        self.assertEqual(len(addresses), 1, events)
        self.assertEqual(len(prefixes), 1, events)
        return addresses[0], prefixes[0]

    def test_client_gets_address_and_prefix(self):
        address, prefix = self.bind()

        self.assertTrue(in_pool(address), f"{address} is outside the pool")
        delegated = ipaddress.IPv6Network(prefix)
        self.assertEqual(delegated.prefixlen, DELEGATED_LENGTH)
        self.assertTrue(delegated.subnet_of(ipaddress.IPv6Network(f"{PD_PREFIX}/{PD_LENGTH}")))

        current = self.read_leases().current
        na = current.get((leases.LEASE_TYPE_NA, address))
        pd = current.get((leases.LEASE_TYPE_PD, str(delegated.network_address)))
        self.assertIsNotNone(na, f"no IA_NA lease for {address}")
        self.assertIsNotNone(pd, f"no IA_PD lease for {prefix}")
        self.assertEqual(pd.prefix_len, DELEGATED_LENGTH)
        duid = dhclient.read_default_duid(self.client.lease_file)
        self.assertIsNotNone(duid, "dhclient stored no DUID")
        for lease in (na, pd):
            self.assertEqual(lease.duid, duid)
            self.assertEqual(lease.valid_lifetime, VALID_LIFETIME)
            self.assertEqual(int(lease.fields["pref_lifetime"]), PREFERRED_LIFETIME)
            self.assertEqual(lease.subnet_id, 1)
            self.assertTrue(lease.active())

    def test_client_renews_address_and_prefix(self):
        address, prefix = self.bind()

        renewals = self.client.wait_for("RENEW6", count=2)

        self.assertIn(address, [event.get("new_ip6_address") for event in renewals])
        self.assertIn(prefix, [event.get("new_ip6_prefix") for event in renewals])
        lease_file = self.read_leases()
        prefix_address = str(ipaddress.IPv6Network(prefix).network_address)
        for lease_type, key in ((leases.LEASE_TYPE_NA, address),
                                (leases.LEASE_TYPE_PD, prefix_address)):
            history = lease_file.history(key, lease_type)
            self.assertGreaterEqual(len(history), 2, f"the renewal wrote no new row for {key}")
            self.assertGreater(history[-1].expire, history[0].expire)
            self.assertTrue(history[-1].active())

    def test_client_releases_address_and_prefix(self):
        address, prefix = self.bind()

        self.assertEqual(self.client.release(), 0, self.client.output())

        self.assertEqual(len(self.client.events("RELEASE6")), 2)
        current = self.read_leases().current
        prefix_address = str(ipaddress.IPv6Network(prefix).network_address)
        for key in ((leases.LEASE_TYPE_NA, address), (leases.LEASE_TYPE_PD, prefix_address)):
            lease = current.get(key)
            self.assertTrue(lease is None or not lease.active(), f"{key} still leased: {lease}")


if __name__ == "__main__":
    unittest.main()
