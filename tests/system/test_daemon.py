"""The daemons' command-line contract: -t checks a file, -p moves the server port, SIGHUP
reloads the configuration (a bad file keeps the running one), SIGTERM stops with code 0."""

import copy
import ipaddress
import os
import subprocess
import unittest

from harness import dhcp4, server
from harness.process import wait_until
from harness.testcase import SystemTestCase

FIRST_POOL = "198.18.3.0 - 198.18.3.9"
SECOND_POOL = "198.18.4.0 - 198.18.4.9"
ALTERNATE_PORT = 10067
RELOAD_TIMEOUT_SECONDS = 30


def in_range(address, pool):
    first, last = (ipaddress.IPv4Address(part.strip()) for part in pool.split("-"))
    return first <= ipaddress.IPv4Address(address) <= last


class DaemonTest(SystemTestCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link(relay=True)
        self.config = server.dhcp4_config(self.workdir, self.link.server_interface,
                                          [server.relayed_subnet4(2, FIRST_POOL)],
                                          valid_lifetime=3600)
        self.server = server.DhcpServer(4, self.link.server, self.workdir, self.config)

    def write_file(self, name, text):
        path = os.path.join(self.workdir, name)
        with open(path, "w") as out:
            out.write(text)
        return path

    def run_binary(self, *arguments):
        result = subprocess.run([server.server_binary(4), *arguments], capture_output=True,
                                text=True, timeout=30, check=False)
        self.assertEqual(result.returncode, 0, f"{arguments}: {result.stderr}")
        return result.stdout

    def test_build_report_is_not_extended_version(self):
        report = self.run_binary("-W")
        self.assertNotEqual(report, self.run_binary("-V"))
        self.assertIn(self.run_binary("-v").strip(), report)
        self.assertGreater(len(report.splitlines()), 3, report)

    def test_config_check_accepts_valid_file(self):
        result = self.server.check_config()

        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_config_check_rejects_broken_json(self):
        path = self.write_file("broken.json", '{"Dhcp4": {"subnet4": [ }')

        result = self.server.check_config(path)

        self.assertNotEqual(result.returncode, 0)

    def test_config_check_rejects_pool_outside_subnet(self):
        config = copy.deepcopy(self.config)
        config["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": "203.0.113.1 - 203.0.113.9"}]
        path = self.write_file("outside.json", server.json.dumps(config))

        result = self.server.check_config(path)

        self.assertNotEqual(result.returncode, 0)

    def test_config_check_rejects_missing_file(self):
        result = self.server.check_config(os.path.join(self.workdir, "absent.json"))

        self.assertNotEqual(result.returncode, 0)

    def test_sighup_applies_new_config_and_survives_bad_one(self):
        self.addCleanup(self.server.stop)
        self.server.start()
        relay = dhcp4.RelayAgent4(self.link.client, reply_timeout=1.0)
        self.addCleanup(relay.close)
        first = relay.acquire(dhcp4.numbered_mac(1))
        self.assertTrue(in_range(first.yiaddr, FIRST_POOL))

        # A file that does not parse must leave the running configuration in place.
        # NOTE: nothing shows when the server has handled this SIGHUP, so if it were still
        # pending when the next one arrives, the two could merge and the bad file go unread.
        with open(self.server.config_path, "w") as out:
            out.write('{"Dhcp4": ')
        self.server.reload()
        still_serving = relay.acquire(dhcp4.numbered_mac(2))
        self.assertTrue(self.server.process.running(), "the server exited on a bad reload")
        self.assertTrue(in_range(still_serving.yiaddr, FIRST_POOL))

        reloaded = copy.deepcopy(self.config)
        reloaded["Dhcp4"]["subnet4"][0]["pools"] = [{"pool": SECOND_POOL}]
        self.server.write_config(reloaded)
        self.server.reload()
        numbers = iter(range(3, 10**6))

        def offered_from_second_pool():
            offer, _ = relay.discover(dhcp4.numbered_mac(next(numbers)))
            return offer is not None and in_range(offer.yiaddr, SECOND_POOL)

        wait_until(offered_from_second_pool, RELOAD_TIMEOUT_SECONDS,
                   "an offer from the reloaded pool")
        self.stop_server_cleanly(self.server)

    def test_alternate_server_port(self):
        self.server.port = ALTERNATE_PORT
        self.addCleanup(self.server.stop)
        self.server.start()
        # -p moves only the port the server listens on: Kea 2.2 sends replies for a relay to
        # the relay's standard port 67.
        relay = dhcp4.RelayAgent4(self.link.client, server_port=ALTERNATE_PORT, relay_port=67)
        self.addCleanup(relay.close)

        ack = relay.acquire(dhcp4.numbered_mac(1))

        self.assertTrue(in_range(ack.yiaddr, FIRST_POOL))
        self.stop_server_cleanly(self.server)


if __name__ == "__main__":
    unittest.main()
