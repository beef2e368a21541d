"""perfdhcp completes thousands of DHCPv4 and DHCPv6 exchanges at a moderate rate, losing none.

The rate is 250 exchanges/s, which Kea 2.2 sustains here with most of a core to spare. A
server starved of CPU by other processes can still overflow its socket buffer, so a failure
message includes the server namespace's UDP receive-buffer drop count. Each run is bounded
by -n.
"""

import unittest

from harness import leases, netns, perfdhcp, server
from harness.testcase import SystemTestCase

EXCHANGES = 4000
RATE = 250
# -R far above -n: (nearly) every exchange is a new client and so a new lease. -d 5 gives
# each reply 5 s before perfdhcp counts it lost, so a loaded machine's scheduling delays do
# not count as losses; -W 2 s keeps perfdhcp listening for the last replies.
COMMON_ARGS = ["-r", str(RATE), "-n", str(EXCHANGES), "-R", "1000000", "-d", "5", "-W", "2000000"]
PERFDHCP_TIMEOUT = 180


class LoadTest(SystemTestCase):

    def assert_no_loss(self, result, first, second, link):
        """Check that the server answered every exchange perfdhcp started.

        A reply the client's kernel dropped because perfdhcp's socket buffer was full (perfdhcp
        starved of CPU on a loaded machine) was sent by the server, so such drops, counted in
        the client namespace, excuse an equal number of missing replies. Nothing else does.
        """
        server_buffer_drops = link.server.udp_receive_errors()
        client_buffer_drops = link.client.udp_receive_errors()
        result.output += (f"\nserver namespace UDP receive-buffer drops: {server_buffer_drops}"
                          f"\nclient namespace UDP receive-buffer drops: {client_buffer_drops}\n")
        # perfdhcp checks -n only after sending a batch, so it may send one or two more.
        initiated = result.exchange(first).sent
        self.assertGreaterEqual(initiated, EXCHANGES, result.output)
        self.assertEqual(server_buffer_drops, 0, result.output)
        missing = 0
        for name in (first, second):
            stats = result.exchange(name)
            missing += stats.sent - stats.received
            self.assertEqual(stats.rejected_leases, 0, f"{name}:\n{result.output}")
            self.assertEqual(stats.non_unique_addresses, 0, f"{name}:\n{result.output}")
        # Every OFFER (ADVERTISE) that arrived was followed by a REQUEST.
        self.assertEqual(result.exchange(second).sent, result.exchange(first).received,
                         result.output)
        self.assertLessEqual(missing, client_buffer_drops,
                             f"{missing} replies missing:\n{result.output}")
        self.assertEqual(result.malformed, 0, result.output)
        if missing == 0:
            self.assertEqual(result.returncode, 0, result.output)

    def test_dhcp4_relayed_exchanges_without_loss(self):
        link = self.make_link(relay=True)
        config = server.dhcp4_config(self.workdir, link.server_interface,
                                     [server.relayed_subnet4(2, "198.18.1.0 - 198.19.255.254")],
                                     valid_lifetime=3600)
        dhcp_server = self.start_server(4, link, config)

        result = perfdhcp.run(link.client, ["-4", "-l", netns.RELAY_V4, *COMMON_ARGS,
                                            netns.SERVER_V4], timeout=PERFDHCP_TIMEOUT)

        self.assert_no_loss(result, "DISCOVER-OFFER", "REQUEST-ACK", link)
        active = leases.read_lease_file(dhcp_server.lease_file, 4).active()
        # Random client choice repeats a few of the 10**6 clients; each repeat renews a lease.
        self.assertGreaterEqual(len(active), EXCHANGES * 99 // 100)
        hardware_addresses = [lease.hwaddr for lease in active]
        self.assertEqual(len(set(hardware_addresses)), len(hardware_addresses))

    def test_dhcp6_address_and_prefix_exchanges_without_loss(self):
        link = self.make_link()
        interface = link.server_interface
        config = server.dhcp6_config(
            self.workdir, interface,
            [server.subnet6(1, "2001:db8:1::1:0/96", interface, "2001:db8:8::", 40, 64)],
            preferred_lifetime=3000, valid_lifetime=4000)
        dhcp_server = self.start_server(6, link, config)

        result = perfdhcp.run(link.client, ["-6", "-l", link.client_interface,
                                            "-e", "address-and-prefix", *COMMON_ARGS],
                              timeout=PERFDHCP_TIMEOUT)

        self.assert_no_loss(result, "SOLICIT-ADVERTISE", "REQUEST-REPLY", link)
        active = leases.read_lease_file(dhcp_server.lease_file, 6).active()
        addresses = [lease for lease in active if lease.lease_type == leases.LEASE_TYPE_NA]
        prefixes = [lease for lease in active if lease.lease_type == leases.LEASE_TYPE_PD]
        self.assertGreaterEqual(len(addresses), EXCHANGES * 99 // 100)
        self.assertEqual(len(prefixes), len(addresses))
        self.assertTrue(all(lease.prefix_len == 64 for lease in prefixes))


if __name__ == "__main__":
    unittest.main()
