"""Server nodes that keep their leases in a SQL database, each in its own network namespace.

A node is one leasehold-dhcp4 or -dhcp6 process in the server namespace of a Link of its own,
with its clients (perfdhcp, the harness's relay agent, a reply capture) in that link's client
namespace. It reaches the database through a TcpForwarder on its namespace's 127.0.0.1, so any
number of nodes share one database server running on the test's loopback. Its files (JSON
configuration, log, control socket) live in a directory of its own under the test's workdir.

DHCPv4 nodes serve the relayed subnet of netns (198.18.0.0/15, relay agent 198.18.0.1);
DHCPv6 nodes serve the directly connected 2001:db8:1::/64. Every node of a test is configured
with the same subnet id and pool, so they compete for the same addresses.
"""

import dataclasses
import os
import subprocess
import sys

from . import capture, control, database, netns, perfdhcp, server, tcp_forwarder
from .testcase import SystemTestCase

SUBNET_ID = 1
# How long a started node may take to be reachable on its control socket, in seconds.
CONTROL_TIMEOUT_SECONDS = 30


@dataclasses.dataclass
class Node:
    number: int
    family: int
    link: netns.Link
    server: server.DhcpServer
    socket_path: str
    forwarder: object

    @property
    def pid(self):
        return self.server.process.pid

    def running(self):
        return self.server.process is not None and self.server.process.running()

    def statistics(self):
        return control.statistics(self.socket_path)


def node_config(family, workdir, interface, pool, lease_database, socket_path, **parameters):
    """Return the Kea configuration of one node: one subnet with pool, the SQL lease database,
    a UNIX control socket, and parameters as further global keys. A control_sockets parameter
    keeps its channels, and the UNIX socket joins them."""
    if family == 4:
        subnet = server.relayed_subnet4(SUBNET_ID, pool)
        config = server.dhcp4_config(workdir, interface, [subnet], **parameters)
    else:
        subnet = server.subnet6(SUBNET_ID, pool, interface)
        config = server.dhcp6_config(workdir, interface, [subnet], **parameters)
    body = config[f"Dhcp{family}"]
    body["lease-database"] = lease_database
    unix_socket = {"socket-type": "unix", "socket-name": socket_path}
    if "control-sockets" in body:
        body["control-sockets"] = [unix_socket, *body["control-sockets"]]
    else:
        body["control-socket"] = unix_socket
    return config


class SqlClusterTestCase(SystemTestCase):
    """SystemTestCase with SQL databases and nodes that share them; everything it creates is
    stopped or removed at cleanup, nodes before their databases."""

    def start_load(self, node, rate, seconds, count, base_mac=None):
        """Start relayed DHCPv4 perfdhcp against node in the background, bounded by -p seconds
        and -n count; base_mac (perfdhcp's -b mac=) keeps several nodes' clients apart."""
        argv = ["perfdhcp", "-4", "-l", netns.RELAY_V4]
        if base_mac is not None:
            argv += ["-b", f"mac={base_mac}"]
        argv += ["-r", str(rate), "-p", str(seconds), "-n", str(count), "-R", "1000000",
                 "-d", "2", "-W", "2000000", netns.SERVER_V4]
        process = subprocess.Popen(node.link.client.command(*argv), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        self.addCleanup(self._end_load, process)
        return process

    @staticmethod
    def _end_load(process):
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()

    def finish_load(self, process, timeout):
        """Wait up to timeout seconds for a load to end and return its parsed result."""
        output, _ = process.communicate(timeout=timeout)
        self.assertIn(process.returncode, (0, 3), f"perfdhcp failed:\n{output}")
        return perfdhcp.parse(output, process.returncode)

    def scratch_database(self, engine):
        """Return a new database with Leasehold's schema on the shared server of engine; it is
        dropped at cleanup. Skips the test when the shared servers are not configured."""
        try:
            shared = database.shared_server(engine)
        except database.DatabaseUnavailable as error:
            self.skipTest(str(error))
        created = database.create_database(shared)
        self.addCleanup(database.drop_database, shared, created)
        return created

    def private_servers(self):
        """Return PrivateServers with state under the workdir, stopped at cleanup."""
        servers = database.PrivateServers(os.path.join(self.workdir, "databases"))
        self.addCleanup(servers.close)
        return servers

    def start_node(self, family, number, db, pool, lease_database_parameters=None,
                   link=None, **parameters):
        """Start node `number` on database db and return its Node.

        A new link is made unless link is given (a restarted node takes its predecessor's).
        lease_database_parameters are extra lease-database keys (on_fail for "on-fail");
        parameters are global keys.
        """
        link = link or self.make_link(relay=family == 4)
        forwarder = self._forwarder(link, db)
        node_dir = os.path.join(self.workdir, f"node{number}")
        os.makedirs(node_dir, exist_ok=True)
        os.chmod(node_dir, 0o755)
        socket_path = os.path.join(node_dir, "control.sock")
        lease_database = db.lease_database(port=forwarder.port,
                                           **(lease_database_parameters or {}))
        parameters.setdefault("valid_lifetime", 3600)
        if family == 6:
            parameters.setdefault("preferred_lifetime", 3000)
        config = node_config(family, node_dir, link.server_interface, pool, lease_database,
                             socket_path, **parameters)
        dhcp_server = server.DhcpServer(family, link.server, node_dir, config)
        self.addCleanup(self._stop_server, dhcp_server)
        dhcp_server.start()
        return Node(number, family, link, dhcp_server, socket_path, forwarder)

    def _forwarder(self, link, db):
        """Return the link's forwarder to db's server, creating it on first use."""
        if not hasattr(self, "_forwarders"):
            self._forwarders = {}
        key = (link.server.name, db.port)
        if key not in self._forwarders:
            forwarder = tcp_forwarder.TcpForwarder(link.server, db.port)
            self.addCleanup(forwarder.close)
            self._forwarders[key] = forwarder
        return self._forwarders[key]

    def capture_replies(self, node):
        """Start recording the replies that reach node's clients; stopped at cleanup."""
        recorder = capture.ReplyCapture(node.link.client, node.link.client_interface, node.family)
        self.addCleanup(recorder.stop)
        return recorder

    def assert_one_client_per_address(self, acknowledgements):
        """Assert that no address was acknowledged to two clients; return {address: client}."""
        holders = {}
        for acknowledgement in acknowledgements:
            holders.setdefault(acknowledgement.address, set()).add(acknowledgement.client)
        shared = {address: sorted(clients) for address, clients in holders.items()
                  if len(clients) > 1}
        self.assertEqual(shared, {}, "addresses acknowledged to more than one client")
        return {address: clients.pop() for address, clients in holders.items()}

    def assert_stored(self, acknowledged, stored):
        """Assert that every acknowledged address is stored as leased to the same client."""
        missing = sorted(address for address in acknowledged if address not in stored)
        self.assertEqual(missing, [], f"{len(missing)} acknowledged lease(s) not in the "
                                      f"database (of {len(acknowledged)} acknowledged)")
        other_client = sorted(address for address, client in acknowledged.items()
                              if stored[address] != client)
        self.assertEqual(other_client, [],
                         "acknowledged addresses stored as leased to another client")

    def assert_complete_capture(self, recorders):
        for recorder in recorders:
            self.assertEqual(recorder.drops, 0,
                             f"the capture lost {recorder.drops} frame(s) to a full buffer; "
                             f"the record of acknowledgements is incomplete")

    @staticmethod
    def report(text):
        print(text, file=sys.stderr, flush=True)
