"""Base class for system tests: root check, a work directory, and cleanup of all it starts."""

import os
import shutil
import sys
import tempfile
import unittest

from . import dhclient, netns, server

REQUIRED_TOOLS = ("ip", "ss", "dhclient", "perfdhcp")


def missing_tools():
    search_path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return [tool for tool in REQUIRED_TOOLS if shutil.which(tool, path=search_path) is None]


class SystemTestCase(unittest.TestCase):
    """Creates namespaces, servers and clients for one test and removes them afterwards.

    Cleanups run in reverse order of creation, so clients and servers stop before their
    namespaces go. On failure the work directory (configuration, lease and log files) is kept
    and its path printed; set LEASEHOLD_SYSTEM_KEEP=1 to keep it always.
    """

    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to create network namespaces")
        missing = missing_tools()
        if missing:
            self.fail(f"missing tools {', '.join(missing)}; run scripts/lib/install-deps")
        # Namespaced commands need /usr/sbin on PATH (ip, dhclient, perfdhcp, the servers).
        if "/usr/sbin" not in os.environ.get("PATH", "").split(":"):
            os.environ["PATH"] = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
        self.workdir = tempfile.mkdtemp(prefix="lhst-")
        os.chmod(self.workdir, 0o755)
        self.addCleanup(self._remove_workdir)

    def _test_failed(self):
        """True once the test method or a cleanup before this one has failed.

        unittest records a failure in the result as soon as it happens but resets its own
        success flag for each cleanup, so only the result shows an earlier failure.
        """
        result = getattr(self._outcome, "result", None)
        if result is None:
            return False
        return any(test is self for test, _ in result.failures + result.errors)

    def _remove_workdir(self):
        if self._test_failed() or os.environ.get("LEASEHOLD_SYSTEM_KEEP") == "1":
            print(f"\n{self.id()}: files kept in {self.workdir}", file=sys.stderr)
            return
        shutil.rmtree(self.workdir, ignore_errors=True)

    def make_link(self, relay=False):
        link = netns.Link(relay=relay)
        self.addCleanup(link.close)
        return link

    def start_server(self, family, link, config, port=None):
        """Start the server under test in link's server namespace; it stops at cleanup."""
        dhcp_server = server.DhcpServer(family, link.server, self.workdir, config, port=port)
        self.addCleanup(self._stop_server, dhcp_server)
        dhcp_server.start()
        return dhcp_server

    def _stop_server(self, dhcp_server):
        code = dhcp_server.stop()
        if self._test_failed():
            print(f"\n--- {dhcp_server.binary} output and log ---\n{dhcp_server.log()[-6000:]}",
                  file=sys.stderr)
        return code

    def make_dhclient(self, family, link, flags=(), name="dhclient"):
        client = dhclient.DhClient(family, link.client, link.client_interface, self.workdir,
                                   flags=flags, name=name)
        self.addCleanup(client.stop)
        return client

    def stop_server_cleanly(self, dhcp_server):
        """Stop the server with SIGTERM and assert that it exited with code 0."""
        code = dhcp_server.stop()
        self.assertEqual(code, 0, f"{dhcp_server.binary} exited with {code} on SIGTERM")
