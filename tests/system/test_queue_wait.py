"""Queries that wait too long to be read are dropped and counted; newer ones get replies.

The test stops the daemon with SIGSTOP, sends queries that pile up in its sockets' queues,
waits past the 500 ms limit and lets the daemon go on. The stale queries must land in
pkt4-queue-full or pkt6-queue-full (and in the receive-drop total) without a reply. A query
sent afterwards must get its reply as usual.
"""

import os
import signal
import socket
import time
import unittest

from harness import control, dhcp6, netns, server
from harness.dhcp6 import OPT_CLIENTID, OPT_ELAPSED_TIME, SOLICIT, ia_na
from harness.process import wait_until
from harness.testcase import SystemTestCase
from test_dhcp4_raw_drops import RawDhcp4Case, dhcp_frame

STALE_QUERIES = 5
# Longer than the daemon's 500 ms limit, with room for a slow machine's scheduling.
PAUSE_SECONDS = 1.2
STATISTICS_TIMEOUT = 10


def all_threads_stopped(pid):
    """Return True when every thread of process pid is in the stopped state."""
    states = []
    for thread in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{thread}/stat") as stat:
                # The state follows the command name, which is in parentheses.
                states.append(stat.read().rsplit(")", 1)[1].split()[0])
        except FileNotFoundError:
            continue  # the thread ended meanwhile
    return bool(states) and all(state in ("T", "t") for state in states)


class QueueWaitCase(SystemTestCase):
    """Shared steps: pause the daemon, let queries go stale, check the statistics."""

    def pause_server(self):
        pid = self.server.process.pid
        os.kill(pid, signal.SIGSTOP)
        # Resumed here too, so a failing test never leaves a stopped daemon behind.
        self.addCleanup(self.resume_server)
        # kill() returns before every thread has stopped, so a worker still running could
        # read a query sent now and send its reply.
        wait_until(lambda: all_threads_stopped(pid), STATISTICS_TIMEOUT,
                   f"every thread of PID {pid} stopped")

    def resume_server(self):
        if self.server.process.poll() is None:
            os.kill(self.server.process.pid, signal.SIGCONT)

    def wait_for_statistics(self, expected):
        return control.wait_for_statistics(self.socket_path, expected, STATISTICS_TIMEOUT)

    def run_stale_then_fresh(self, send_query, family, replies_sent):
        self.pause_server()
        for number in range(STALE_QUERIES):
            send_query(number + 1)
        time.sleep(PAUSE_SECONDS)
        self.resume_server()
        prefix = f"pkt{family}"
        self.wait_for_statistics({f"{prefix}-queue-full": STALE_QUERIES,
                                  f"{prefix}-receive-drop": STALE_QUERIES,
                                  f"{prefix}-received": STALE_QUERIES, replies_sent: 0})
        self.assertIn(f"DHCP{family}_QUEUE_FULL", self.server.log())

        send_query(STALE_QUERIES + 1)
        self.wait_for_statistics({f"{prefix}-queue-full": STALE_QUERIES, replies_sent: 1})


class Dhcp4QueueWaitTest(RawDhcp4Case, QueueWaitCase):

    def send_discover(self, number):
        self.raw.send(dhcp_frame(self.mac, self.discover(number)))

    def test_stale_discovers_are_dropped_and_counted(self):
        self.run_stale_then_fresh(self.send_discover, 4, "pkt4-offer-sent")


class Dhcp6QueueWaitTest(QueueWaitCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link(relay=True)
        interface = self.link.server_interface
        self.socket_path = os.path.join(self.workdir, "control.sock")
        config = server.dhcp6_config(
            self.workdir, interface,
            [{"id": 2, "subnet": "2001:db8:2::/64",
              "pools": [{"pool": "2001:db8:2::100-2001:db8:2::1ff"}]}],
            control_socket={"socket-type": "unix", "socket-name": self.socket_path})
        self.server = self.start_server(6, self.link, config)
        self.relay = self.link.client.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.addCleanup(self.relay.close)
        self.relay.bind((netns.CLIENT_V6, 547))

    def send_solicit(self, number):
        duid = bytes.fromhex("00030001020000000042")
        solicit = dhcp6.client_message(SOLICIT, number, [(OPT_CLIENTID, duid),
                                                         (OPT_ELAPSED_TIME, b"\0\0")]) + ia_na(7)
        relayed = dhcp6.relay_forward(solicit, 0, "2001:db8:2::1", "fe80::1234", [])
        self.relay.sendto(relayed, (netns.SERVER_V6, 547))

    def test_stale_solicits_are_dropped_and_counted(self):
        self.run_stale_then_fresh(self.send_solicit, 6, "pkt6-advertise-sent")


if __name__ == "__main__":
    unittest.main()
