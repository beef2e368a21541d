"""config-set and lease commands issued again and again while perfdhcp runs a bounded load.

Pass rule: perfdhcp loses fewer than 0.5 % of its exchanges (a loaded test machine can drop
a datagram for reasons of its own; the UDP receive-buffer drop count is printed beside the
figures), no lease is rejected or handed out twice, every command gets the answer it should,
and a rejected config-set leaves the previous configuration serving. With 3000 exchanges at
200/s the run takes about 15 seconds.
"""

import copy
import os
import threading
import time
import unittest

from harness import control, netns, perfdhcp, server
from harness.process import wait_until
from harness.testcase import SystemTestCase

EXCHANGES = 3000
RATE = 200
MAX_LOST_FRACTION = 0.005
PERFDHCP_TIMEOUT = 120
# Pause between rounds of commands, so the control thread is busy but not saturated.
ROUND_PAUSE_SECONDS = 0.1
COMMON_ARGS = ["-r", str(RATE), "-n", str(EXCHANGES), "-R", "1000000", "-d", "5",
               "-W", "2000000"]


class PerfdhcpThread(threading.Thread):
    def __init__(self, namespace, args):
        super().__init__(daemon=True)
        self.namespace = namespace
        self.args = args
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = perfdhcp.run(self.namespace, self.args, timeout=PERFDHCP_TIMEOUT)
        except Exception as error:  # reported by the test thread
            self.error = error


class ControlUnderLoadTest(SystemTestCase):

    def unix(self, request):
        return control.unix_command(self.socket_path, request)

    def expect(self, request, result):
        answer = self.unix(request)
        self.assertEqual(answer["result"], result, f"{request['command']}: {answer}")
        return answer

    def run_load(self, link, args, command_round):
        load = PerfdhcpThread(link.client, args)
        load.start()
        rounds = 0
        while load.is_alive():
            command_round(rounds)
            rounds += 1
            time.sleep(ROUND_PAUSE_SECONDS)
        load.join()
        if load.error is not None:
            raise load.error
        return load.result, rounds

    def assert_few_lost(self, result, rounds, link, first, second):
        buffer_drops = link.server.udp_receive_errors()
        report = (f"{rounds} rounds of commands; server namespace UDP receive-buffer drops: "
                  f"{buffer_drops}\n{result.output}")
        print(f"\n{self.id()}: {rounds} command rounds, {result.lost()} of "
              f"{result.exchange(first).sent} exchanges lost, {buffer_drops} buffer drops")
        sent = result.exchange(first).sent
        self.assertGreaterEqual(sent, EXCHANGES, report)
        self.assertLess(result.lost(), sent * MAX_LOST_FRACTION, report)
        for name in (first, second):
            self.assertEqual(result.exchange(name).rejected_leases, 0, report)
            self.assertEqual(result.exchange(name).non_unique_addresses, 0, report)
        self.assertEqual(result.malformed, 0, report)
        self.assertGreater(rounds, 10, report)

    def test_dhcp4_config_set_and_lease_commands_under_load(self):
        link = self.make_link(relay=True)
        self.socket_path = os.path.join(self.workdir, "control.sock")
        config = server.dhcp4_config(
            self.workdir, link.server_interface,
            [server.relayed_subnet4(2, "198.18.1.0 - 198.19.255.254"),
             # Only the lease commands use subnet 3: no client can reach it.
             {"id": 3, "subnet": "203.0.113.0/24", "pools": [{"pool": "203.0.113.10 - 203.0.113.200"}]}],
            valid_lifetime=3600,
            control_socket={"socket-type": "unix", "socket-name": self.socket_path})
        self.start_server(4, link, config)
        wait_until(lambda: os.path.exists(self.socket_path), 10, "the control socket")
        changed = copy.deepcopy(config)
        changed["Dhcp4"]["valid-lifetime"] = 3000
        rejected = copy.deepcopy(config)
        rejected["Dhcp4"]["subnet4"][1]["pools"] = [{"pool": "198.51.100.1 - 198.51.100.9"}]

        def command_round(number):
            address = f"203.0.113.{10 + number % 190}"
            mac = f"0a:00:00:00:{number // 256 % 256:02x}:{number % 256:02x}"
            self.expect({"command": "config-set", "arguments": changed if number % 2 else config},
                        0)
            answer = self.expect({"command": "config-set", "arguments": rejected}, 1)
            self.assertIn("198.51.100.1", answer["text"])
            served = self.expect({"command": "config-get"}, 0)["arguments"]["Dhcp4"]
            self.assertEqual(served["valid-lifetime"], 3000 if number % 2 else 3600)
            self.assertEqual(served["subnet4"][1]["pools"][0]["pool"].replace(" ", ""),
                             "203.0.113.10-203.0.113.200")

            self.expect({"command": "lease4-add", "arguments": {
                "ip-address": address, "hw-address": mac, "subnet-id": 3}}, 0)
            lease = self.expect({"command": "lease4-get", "arguments": {"ip-address": address}},
                                0)["arguments"]
            self.assertEqual(lease["hw-address"], mac)
            self.expect({"command": "lease4-update", "arguments": {
                "ip-address": address, "hw-address": mac, "hostname": f"host{number}.example.org",
                "subnet-id": 3}}, 0)
            page = self.expect({"command": "lease4-get-page",
                                "arguments": {"from": "start", "limit": 50}}, 0)["arguments"]
            self.assertEqual(page["count"], len(page["leases"]))
            self.expect({"command": "lease4-del", "arguments": {"ip-address": address}}, 0)
            self.expect({"command": "lease4-get", "arguments": {"ip-address": address}}, 3)

        result, rounds = self.run_load(
            link, ["-4", "-l", netns.RELAY_V4, *COMMON_ARGS, netns.SERVER_V4], command_round)

        self.assert_few_lost(result, rounds, link, "DISCOVER-OFFER", "REQUEST-ACK")

    def test_dhcp6_config_set_and_lease_commands_under_load(self):
        link = self.make_link()
        interface = link.server_interface
        self.socket_path = os.path.join(self.workdir, "control.sock")
        config = server.dhcp6_config(
            self.workdir, interface,
            [server.subnet6(1, "2001:db8:1::1:0/96", interface),
             {"id": 2, "subnet": "2001:db8:2::/64", "pools": [{"pool": "2001:db8:2::/80"}]}],
            preferred_lifetime=3000, valid_lifetime=4000,
            control_socket={"socket-type": "unix", "socket-name": self.socket_path})
        self.start_server(6, link, config)
        wait_until(lambda: os.path.exists(self.socket_path), 10, "the control socket")
        changed = copy.deepcopy(config)
        changed["Dhcp6"]["valid-lifetime"] = 5000
        rejected = copy.deepcopy(config)
        rejected["Dhcp6"]["subnet6"][1]["pools"] = [{"pool": "2001:db8:9::/80"}]

        def command_round(number):
            address = f"2001:db8:2::{number + 1:x}"
            duid = f"00:03:00:01:0a:00:00:00:{number // 256 % 256:02x}:{number % 256:02x}"
            self.expect({"command": "config-set", "arguments": changed if number % 2 else config},
                        0)
            self.expect({"command": "config-set", "arguments": rejected}, 1)
            served = self.expect({"command": "config-get"}, 0)["arguments"]["Dhcp6"]
            self.assertEqual(served["valid-lifetime"], 5000 if number % 2 else 4000)

            self.expect({"command": "lease6-add", "arguments": {
                "ip-address": address, "duid": duid, "iaid": 1, "subnet-id": 2}}, 0)
            lease = self.expect({"command": "lease6-get", "arguments": {"ip-address": address}},
                                0)["arguments"]
            self.assertEqual(lease["duid"], duid)
            self.expect({"command": "lease6-update", "arguments": {
                "ip-address": address, "duid": duid, "iaid": 1, "subnet-id": 2,
                "hostname": f"host{number}.example.org"}}, 0)
            page = self.expect({"command": "lease6-get-page",
                                "arguments": {"from": "start", "limit": 50}}, 0)["arguments"]
            self.assertEqual(page["count"], len(page["leases"]))
            self.expect({"command": "lease6-del", "arguments": {"ip-address": address}}, 0)
            self.expect({"command": "lease6-get", "arguments": {"ip-address": address}}, 3)

        result, rounds = self.run_load(
            link, ["-6", "-l", link.client_interface, *COMMON_ARGS], command_round)

        self.assert_few_lost(result, rounds, link, "SOLICIT-ADVERTISE", "REQUEST-REPLY")


if __name__ == "__main__":
    unittest.main()
