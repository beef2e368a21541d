"""Three nodes on one SQL database and one pool, all under perfdhcp load at once, never
acknowledge one address to two clients, and every acknowledged lease is in the database.

Each node runs in its own namespace with a perfdhcp of its own (see harness/cluster.py), and
the three perfdhcp runs overlap, so the nodes compete for the same free addresses. Their
clients use disjoint hardware addresses or DUIDs (perfdhcp -b), and together they ask for 96%
of the pool, so the last free addresses are contested. The replies are captured on each
client link; every ACK (DHCPv4) or REPLY address (DHCPv6) is compared with the others and
with the lease table. Lease lifetimes are an hour and perfdhcp sends no RELEASE, so within a
run an address held by one client never legitimately moves to another.
"""

import concurrent.futures
import unittest

from harness import database, netns, perfdhcp
from harness.cluster import SqlClusterTestCase

NODES = 3
POOL4 = "198.18.4.0 - 198.18.7.231"          # 1000 addresses
POOL6 = "2001:db8:1::1:0 - 2001:db8:1::1:3e7"  # 1000 addresses
EXCHANGES_PER_NODE = 320
RATE_PER_NODE = 100
# -R far above -n: nearly every exchange is a new client. -d 5 gives each reply 5 s before
# perfdhcp counts it lost and -W 2 s waits for the last replies; -n bounds the run.
COMMON_ARGS = ["-r", str(RATE_PER_NODE), "-n", str(EXCHANGES_PER_NODE), "-R", "1000000",
               "-d", "5", "-W", "2000000"]
PERFDHCP_TIMEOUT = 120


class SqlClusterTest(SqlClusterTestCase):

    def run_cluster(self, family, engine):
        db = self.scratch_database(engine)
        pool = POOL4 if family == 4 else POOL6
        nodes = [self.start_node(family, number, db, pool) for number in range(1, NODES + 1)]
        recorders = [self.capture_replies(node) for node in nodes]

        with concurrent.futures.ThreadPoolExecutor(NODES) as executor:
            runs = [executor.submit(perfdhcp.run, node.link.client, self.perfdhcp_args(node),
                                    PERFDHCP_TIMEOUT) for node in nodes]
            results = [run.result() for run in runs]
        acknowledgements = [recorder.stop() for recorder in recorders]

        for node in nodes:
            self.assertTrue(node.running(), f"node {node.number} exited:\n{node.server.log()[-3000:]}")
        self.assert_complete_capture(recorders)
        everything = [ack for per_node in acknowledgements for ack in per_node]
        acknowledged = self.assert_one_client_per_address(everything)
        stored = db.leases4() if family == 4 else db.leases6()
        self.assert_stored(acknowledged, stored)
        # Each client is on one node's link only, so no client may hold two addresses.
        clients = list(stored.values())
        repeated = sorted({client for client in clients if clients.count(client) > 1})
        self.assertEqual(repeated, [], "clients holding two leases")

        prefix = f"pkt{family}"
        shown = [f"{prefix}-received", f"{prefix}-receive-drop", f"{prefix}-lease-write-failed",
                 "lease-db-write-conflicts"]
        if family == 4:
            shown += [f"{prefix}-ack-sent", f"{prefix}-nak-sent"]
        else:
            shown.append(f"{prefix}-reply-sent")
        statistics = [{name: node.statistics().get(name, 0) for name in shown} for node in nodes]
        summary = (f"{engine} DHCPv{family}: acknowledged per node "
                   f"{[len(set(per_node)) for per_node in acknowledgements]}, "
                   f"{len(acknowledged)} addresses, {len(stored)} stored; statistics per node "
                   f"{statistics}")
        self.report(summary)
        for node, per_node, result in zip(nodes, acknowledgements, results):
            # Every node served while the others did: most of its clients got a lease. A node
            # whose offers trail another node's loses most claims to it and sends NAKs.
            self.assertGreater(len(per_node), EXCHANGES_PER_NODE // 2,
                               f"node {node.number}: {summary}\n{result.output}")
        self.assertGreater(len(acknowledged), EXCHANGES_PER_NODE * NODES * 9 // 10, summary)

    def perfdhcp_args(self, node):
        # -R randomizes the last bytes of the base MAC address, with the same sequence in every
        # perfdhcp run, so the node number goes in the third byte.
        if node.family == 4:
            return ["-4", "-l", netns.RELAY_V4, "-b", f"mac=02:00:{node.number:02x}:00:00:00",
                    *COMMON_ARGS, netns.SERVER_V4]
        # perfdhcp 2.2 builds its DHCPv6 DUIDs from the base MAC address and ignores -b duid=.
        return ["-6", "-l", node.link.client_interface,
                "-b", f"mac=02:00:{node.number:02x}:00:00:00", *COMMON_ARGS]

    def test_dhcp4_three_nodes_on_postgresql(self):
        self.run_cluster(4, database.POSTGRESQL)

    def test_dhcp4_three_nodes_on_mariadb(self):
        self.run_cluster(4, database.MYSQL)

    def test_dhcp6_three_nodes_on_postgresql(self):
        self.run_cluster(6, database.POSTGRESQL)


if __name__ == "__main__":
    unittest.main()
