"""A node killed with SIGKILL under perfdhcp load loses no lease it acknowledged, and a node
restarted in its place serves from the same database.

Two nodes share a scratch database on the shared server and one pool, each with its own
perfdhcp. Node 1 is killed by its PID while both are loaded; node 2 keeps serving. Every ACK
captured on node 1's link before the kill must be in the database, and a node started on the
same link and database confirms an earlier client's address (INIT-REBOOT) and serves a new
perfdhcp run without acknowledging any address twice.
"""

import os
import signal
import unittest

from harness import database, dhcp4
from harness.cluster import SqlClusterTestCase
from harness.process import wait_until

POOL = "198.18.4.0 - 198.18.11.255"   # 2048 addresses, more than the runs ask for
RATE = 80
LOAD_SECONDS = 8
ACKS_BEFORE_KILL = 120
RESTART_EXCHANGES = 100


class SqlNodeKillTest(SqlClusterTestCase):

    def start_load(self, node, seconds, count):
        return super().start_load(node, RATE, seconds, count,
                                  base_mac=f"02:00:{node.number:02x}:00:00:00")

    def finish_load(self, process):
        return super().finish_load(process, LOAD_SECONDS + 60)

    def run_kill(self, engine):
        db = self.scratch_database(engine)
        victim = self.start_node(4, 1, db, POOL)
        survivor = self.start_node(4, 2, db, POOL)
        victim_capture = self.capture_replies(victim)
        survivor_capture = self.capture_replies(survivor)
        loads = [self.start_load(node, LOAD_SECONDS, RATE * LOAD_SECONDS)
                 for node in (victim, survivor)]

        wait_until(lambda: len(victim_capture.acknowledgements) >= ACKS_BEFORE_KILL, 30,
                   f"{ACKS_BEFORE_KILL} ACKs from node 1")
        os.kill(victim.pid, signal.SIGKILL)
        self.assertEqual(victim.server.process.wait(timeout=10), -signal.SIGKILL)
        survivor_before_end = len(survivor_capture.acknowledgements)
        for load in loads:
            self.finish_load(load)
        before_kill = victim_capture.stop()
        self.assertTrue(survivor.running(), survivor.server.log()[-3000:])
        self.assertGreater(len(survivor_capture.acknowledgements), survivor_before_end,
                           "node 2 stopped serving when node 1 was killed")

        # Every lease node 1 acknowledged before it died is in the database.
        acknowledged = self.assert_one_client_per_address(
            before_kill + survivor_capture.acknowledgements)
        stored = db.leases4()
        self.assert_stored(acknowledged, stored)

        # A node restarted on node 1's link serves from the same database.
        restarted = self.start_node(4, 1, db, POOL, link=victim.link)
        earlier = before_kill[0]
        with dhcp4.RelayAgent4(restarted.link.client) as relay:
            ack, _ = relay.request_init_reboot(earlier.client, earlier.address, attempts=3)
        self.assertIsNotNone(ack, "no reply to an INIT-REBOOT of a lease made before the kill")
        self.assertEqual((ack.message_name, ack.yiaddr), ("ACK", earlier.address))

        restart_capture = self.capture_replies(restarted)
        load = self.start_load(restarted, LOAD_SECONDS, RESTART_EXCHANGES)
        result = self.finish_load(load)
        after_restart = restart_capture.stop()
        self.assertGreaterEqual(len(after_restart), RESTART_EXCHANGES * 9 // 10, result.output)

        self.assert_complete_capture([victim_capture, survivor_capture, restart_capture])
        everything = before_kill + survivor_capture.acknowledgements + after_restart
        acknowledged = self.assert_one_client_per_address(everything)
        self.assert_stored(acknowledged, db.leases4())
        self.report(f"{engine}: {len(before_kill)} ACKs from node 1 before SIGKILL, "
                    f"{len(survivor_capture.acknowledgements)} from node 2, "
                    f"{len(after_restart)} after the restart")

    def test_killed_node_loses_nothing_on_postgresql(self):
        self.run_kill(database.POSTGRESQL)

    def test_killed_node_loses_nothing_on_mariadb(self):
        self.run_kill(database.MYSQL)


if __name__ == "__main__":
    unittest.main()
