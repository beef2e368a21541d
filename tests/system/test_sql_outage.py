"""A node whose database stops under perfdhcp load keeps running, counts the replies it could
not persist, reconnects as its `on-fail` policy says, and loses no acknowledged lease.

Each test runs its own PostgreSQL or MariaDB server (scripts/lib/databases with a private
state directory and ports), because it stops that server; the shared servers are never
touched. The node's replies are captured on its client link, and after the run every captured
ACK must be in the database with the client it went to.

Kea's on-fail policies (Kea 2.2 manual, "lease-database"): serve-retry-continue keeps serving
while it reconnects and after reconnecting fails; stop-retry-exit stops serving while it
reconnects, serves again once reconnected, and exits when max-reconnect-tries attempts fail.
"""

import time
import unittest

from harness import database, dhcp4
from harness.cluster import SqlClusterTestCase
from harness.process import wait_until

POOL = "198.18.4.0 - 198.18.11.255"   # 2048 addresses, more than a run asks for
RATE = 60
LOAD_SECONDS = 16
# Before stopping the database the node has acknowledged this many leases, and after
# starting it again this many more.
ACKS_BEFORE_OUTAGE = 60
ACKS_AFTER_OUTAGE = 60
OUTAGE_SECONDS = 4
RECONNECT = {"max_reconnect_tries": 100, "reconnect_wait_time": 500}
# The daemon publishes its store's counters as statistics every 5 s.
STATISTICS_TIMEOUT = 20


class SqlOutageTest(SqlClusterTestCase):

    def start_load(self, node, seconds=LOAD_SECONDS):
        return super().start_load(node, RATE, seconds, RATE * seconds)

    def finish_load(self, process):
        return super().finish_load(process, LOAD_SECONDS + 60)

    def wait_for_acks(self, recorder, count, description):
        wait_until(lambda: len(recorder.acknowledgements) >= count, 30, description)

    def wait_for_statistic(self, node, name, minimum):
        return wait_until(lambda: node.statistics().get(name, 0) >= minimum and node.statistics(),
                          STATISTICS_TIMEOUT, f"statistic {name} to reach {minimum}")

    def run_outage(self, engine, on_fail):
        servers = self.private_servers()
        servers.start(engine)
        db = servers.database(engine)
        db.init_schema()
        node = self.start_node(4, 1, db, POOL, dict(on_fail=on_fail, **RECONNECT))
        recorder = self.capture_replies(node)
        load = self.start_load(node)

        self.wait_for_acks(recorder, ACKS_BEFORE_OUTAGE, "ACKs before the outage")
        servers.stop(engine)
        stopped_at = time.monotonic()
        before = node.statistics()
        # The node notices when a write fails: perfdhcp keeps requesting.
        wait_until(lambda: node.statistics().get("pkt4-receive-drop", 0) >
                   before.get("pkt4-receive-drop", 0), 20, "the node to drop a query")
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped_at)))
        self.assertTrue(node.running(), f"node exited during the outage:\n{node.server.log()[-3000:]}")
        during = len(recorder.acknowledgements)
        servers.start(engine)
        self.wait_for_acks(recorder, during + ACKS_AFTER_OUTAGE, "ACKs after the database restart")

        result = self.finish_load(load)
        acknowledgements = recorder.stop()
        statistics = self.wait_for_statistic(node, "lease-db-reconnects", 1)

        self.assertTrue(node.running(), f"node exited:\n{node.server.log()[-3000:]}")
        self.assert_complete_capture([recorder])
        acknowledged = self.assert_one_client_per_address(acknowledgements)
        self.assert_stored(acknowledged, db.leases4())
        self.assertGreaterEqual(statistics.get("lease-db-connections-lost", 0), 1, statistics)
        self.assertGreater(statistics.get("pkt4-receive-drop", 0), 0, statistics)
        self.report(f"{engine} {on_fail}: {len(acknowledged)} acknowledged, "
                    f"{statistics.get('pkt4-lease-write-failed', 0)} lease writes failed, "
                    f"{statistics.get('pkt4-receive-drop', 0)} queries dropped, "
                    f"{statistics.get('lease-db-reconnect-attempts', 0)} reconnect attempts; "
                    f"perfdhcp: {result.exchange('DISCOVER-OFFER').sent} sent, "
                    f"{result.exchange('REQUEST-ACK').received} ACKs")
        return node, db, statistics

    def test_postgresql_outage_with_serve_retry_continue(self):
        node, db, statistics = self.run_outage(database.POSTGRESQL, "serve-retry-continue")
        # Serving on: REQUESTs reached the store and failed.
        self.assertGreater(statistics.get("pkt4-lease-write-failed", 0), 0, statistics)
        self.assert_new_client_served(node, db)

    def test_mariadb_outage_with_serve_retry_continue(self):
        node, db, statistics = self.run_outage(database.MYSQL, "serve-retry-continue")
        self.assertGreater(statistics.get("pkt4-lease-write-failed", 0), 0, statistics)
        self.assert_new_client_served(node, db)

    def test_mariadb_outage_with_stop_retry_exit(self):
        node, db, statistics = self.run_outage(database.MYSQL, "stop-retry-exit")
        # Service stopped while reconnecting: most queries were dropped before any store call.
        self.assertGreater(statistics.get("pkt4-receive-drop", 0),
                           2 * statistics.get("pkt4-lease-write-failed", 0), statistics)
        self.assert_new_client_served(node, db)

    def test_stop_retry_exit_exits_when_reconnecting_fails(self):
        servers = self.private_servers()
        servers.start(database.POSTGRESQL)
        db = servers.database(database.POSTGRESQL)
        db.init_schema()
        node = self.start_node(4, 1, db, POOL, {"on_fail": "stop-retry-exit",
                                                "max_reconnect_tries": 3,
                                                "reconnect_wait_time": 200})
        with dhcp4.RelayAgent4(node.link.client) as relay:
            first = relay.acquire(dhcp4.numbered_mac(1))
            servers.stop(database.POSTGRESQL)
            # The node notices the outage at its next store call; no reply is expected.
            relay.request_init_reboot(dhcp4.numbered_mac(1), first.yiaddr)
        code = node.server.process.wait(timeout=30)
        self.assertNotEqual(code, 0, "stop-retry-exit ended the server with exit code 0")
        servers.start(database.POSTGRESQL)
        self.assertEqual(db.leases4().get(first.yiaddr), dhcp4.numbered_mac(1))

    def assert_new_client_served(self, node, db):
        mac = dhcp4.numbered_mac(0x5e)
        with dhcp4.RelayAgent4(node.link.client) as relay:
            ack = relay.acquire(mac)
        self.assertEqual(db.leases4().get(ack.yiaddr), mac)


if __name__ == "__main__":
    unittest.main()
