"""GET /health and GET /ready on the HTTP control listener, for Kubernetes probes.

Both answer without credentials even when the listener requires basic authentication.
/ready turns to 503 with a reason while dhcp-disable is in effect and back to 200 after
dhcp-enable or when max-period passes. With a PostgreSQL lease database (a private server,
as in test_sql_outage) it turns to 503 while the database is stopped and back to 200 once
the node has reconnected.
"""

import os
import unittest

from harness import control, database, dhcp4, server
from harness.cluster import SqlClusterTestCase
from harness.process import wait_until
from harness.testcase import SystemTestCase

HTTP_PORT = 8000
USER = "admin"
PASSWORD = "probe-test"
# max-period is whole seconds; the wait bound leaves the server time to act on it.
MAX_PERIOD_SECONDS = 1
ENABLE_TIMEOUT_SECONDS = 10
# Bounds for the node to notice the stopped database and to reconnect after its restart.
DATABASE_TIMEOUT_SECONDS = 30


class ControlHealthTest(SystemTestCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link(relay=True)
        self.socket_path = os.path.join(self.workdir, "control.sock")
        config = server.dhcp4_config(
            self.workdir, self.link.server_interface,
            [server.relayed_subnet4(2, "198.18.1.0 - 198.18.1.200")],
            control_sockets=[
                {"socket-type": "unix", "socket-name": self.socket_path},
                {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": HTTP_PORT,
                 "authentication": {"type": "basic", "realm": "leasehold-test",
                                    "clients": [{"user": USER, "password": PASSWORD}]}}])
        self.start_server(4, self.link, config)
        self.http = control.HttpControl(self.link.server, "127.0.0.1", HTTP_PORT)
        wait_until(self.listening, 10, "the HTTP control listener")

    def listening(self):
        try:
            return self.http.request("GET", "/health").status == 200
        except OSError:
            return False

    def get(self, path):
        response = self.http.request("GET", path)
        return response.status, response.json()

    def unix(self, request):
        return control.unix_command(self.socket_path, request)

    def test_probes_answer_without_credentials(self):
        self.assertEqual(self.get("/health"), (200, {"status": "healthy"}))
        self.assertEqual(self.get("/ready"), (200, {"status": "ready"}))
        self.assertEqual(self.get("/ready?verbose=1")[0], 200)

        # Commands still need credentials, and other GET targets are still refused.
        response = self.http.request("POST", "/", {"command": "version-get"})
        self.assertEqual(response.status, 401)
        self.assertEqual(self.http.request("GET", "/").status, 405)
        self.assertEqual(self.http.request("GET", "/healthz").status, 405)

    def test_ready_follows_dhcp_disable_and_enable(self):
        self.assertEqual(self.unix({"command": "dhcp-disable"})["result"], 0)

        status, body = self.get("/ready")
        self.assertEqual(status, 503)
        self.assertEqual(body["status"], "not ready")
        self.assertIn("DHCP service disabled by user", body["reason"])
        # The process still runs its loops: /health stays 200.
        self.assertEqual(self.get("/health")[0], 200)

        self.assertEqual(self.unix({"command": "dhcp-enable"})["result"], 0)
        self.assertEqual(self.get("/ready"), (200, {"status": "ready"}))
        relay = dhcp4.RelayAgent4(self.link.client)
        self.addCleanup(relay.close)
        relay.acquire(dhcp4.numbered_mac(1))

    def test_ready_returns_after_max_period(self):
        answer = self.unix({"command": "dhcp-disable",
                            "arguments": {"max-period": MAX_PERIOD_SECONDS}})
        self.assertEqual(answer["result"], 0)
        self.assertEqual(self.get("/ready")[0], 503)

        wait_until(lambda: self.get("/ready")[0] == 200, ENABLE_TIMEOUT_SECONDS,
                   "/ready to answer 200 after max-period")


class ReadyWithDatabaseTest(SqlClusterTestCase):

    def test_ready_reports_unreachable_database(self):
        servers = self.private_servers()
        servers.start(database.POSTGRESQL)
        db = servers.database(database.POSTGRESQL)
        db.init_schema()
        node = self.start_node(
            4, 1, db, "198.18.4.0 - 198.18.4.255",
            {"on_fail": "serve-retry-continue", "max_reconnect_tries": 100,
             "reconnect_wait_time": 200},
            control_sockets=[{"socket-type": "http", "socket-address": "127.0.0.1",
                              "socket-port": HTTP_PORT}])
        http = control.HttpControl(node.link.server, "127.0.0.1", HTTP_PORT)

        def ready():
            try:
                response = http.request("GET", "/ready")
            except OSError:
                return None
            return response.status, response.json()

        wait_until(lambda: ready() == (200, {"status": "ready"}), 10, "/ready to answer 200")
        relay = dhcp4.RelayAgent4(node.link.client, reply_timeout=0.5)
        self.addCleanup(relay.close)
        relay.acquire(dhcp4.numbered_mac(1))

        servers.stop(database.POSTGRESQL)
        numbers = iter(range(2, 10**6))

        def reported_unreachable():
            # The node notices the outage at its next store call.
            relay.discover(dhcp4.numbered_mac(next(numbers)))
            answer = ready()
            return answer is not None and answer[0] == 503 and answer[1]

        body = wait_until(reported_unreachable, DATABASE_TIMEOUT_SECONDS,
                          "/ready to report the stopped database")
        self.assertEqual(body["status"], "not ready")
        self.assertIn("lease database unreachable", body["reason"])
        self.assertEqual(http.request("GET", "/health").status, 200)

        servers.start(database.POSTGRESQL)
        wait_until(lambda: ready() == (200, {"status": "ready"}), DATABASE_TIMEOUT_SECONDS,
                   "/ready to answer 200 after the database restart")
        relay.acquire(dhcp4.numbered_mac(0x5e))


if __name__ == "__main__":
    unittest.main()
