"""The DHCP server under test: Leasehold's daemons, or Kea 2.2's as a stand-in.

Both take Kea's command line (`-c FILE` runs, `-t FILE` checks, `-p PORT` server port, `-P PORT`
client port, `-d` verbose; SIGHUP reloads, SIGTERM stops) and Kea's JSON configuration, so the
same test drives either. The binary comes from, in order:
  LEASEHOLD_DHCP4_BIN / LEASEHOLD_DHCP6_BIN      when set (Kea 2.2's /usr/sbin/kea-dhcp4 and
                                                 kea-dhcp6 work too: the tests hold for both)
  <build>/bin/leasehold-dhcp4 / -dhcp6           otherwise; <build> is LEASEHOLD_BUILD_DIR, or
                                                 build/ at the top of the source tree
A missing binary is an error, never a silent switch to another server.
"""

import json
import os
import signal
import subprocess

from . import netns
from .process import ManagedProcess, wait_until

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEFAULT_PORTS = {4: 67, 6: 547}
START_TIMEOUT_SECONDS = 30


def server_binary(family):
    """Return the path of the DHCPv4 (family 4) or DHCPv6 (family 6) server to test."""
    configured = os.environ.get(f"LEASEHOLD_DHCP{family}_BIN")
    if configured:
        return configured
    build_dir = os.environ.get("LEASEHOLD_BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
    candidate = os.path.join(build_dir, "bin", f"leasehold-dhcp{family}")
    if not os.access(candidate, os.X_OK):
        raise FileNotFoundError(f"{candidate} is not built; build it, or name a server with "
                                f"LEASEHOLD_DHCP{family}_BIN")
    return candidate


def dhcp4_config(workdir, interface, subnets, **parameters):
    """Return a Kea-format Dhcp4 configuration with a memfile lease file in workdir.

    Sockets are raw on interface, so directly connected clients without an address are
    reachable; relayed traffic arrives on the same interface. parameters become global
    Dhcp4 keys ("valid-lifetime" is written valid_lifetime).
    """
    body = {
        "interfaces-config": {"interfaces": [interface], "dhcp-socket-type": "raw"},
        "lease-database": {"type": "memfile", "persist": True, "lfc-interval": 0,
                           "name": os.path.join(workdir, "leases4.csv")},
        "subnet4": subnets,
        "loggers": [{"name": "kea-dhcp4", "severity": "INFO",
                     "output_options": [{"output": os.path.join(workdir, "server.log")}]}],
    }
    body.update({key.replace("_", "-"): value for key, value in parameters.items()})
    return {"Dhcp4": body}


def dhcp6_config(workdir, interface, subnets, **parameters):
    """Return a Kea-format Dhcp6 configuration with a memfile lease file in workdir."""
    body = {
        "interfaces-config": {"interfaces": [interface]},
        "lease-database": {"type": "memfile", "persist": True, "lfc-interval": 0,
                           "name": os.path.join(workdir, "leases6.csv")},
        "server-id": {"type": "LL", "persist": False},
        "subnet6": subnets,
        "loggers": [{"name": "kea-dhcp6", "severity": "INFO",
                     "output_options": [{"output": os.path.join(workdir, "server.log")}]}],
    }
    body.update({key.replace("_", "-"): value for key, value in parameters.items()})
    return {"Dhcp6": body}


def direct_subnet4(subnet_id, pool, interface):
    return {"id": subnet_id, "subnet": netns.DIRECT_SUBNET_V4, "interface": interface,
            "pools": [{"pool": pool}]}


def relayed_subnet4(subnet_id, pool):
    return {"id": subnet_id, "subnet": netns.RELAYED_SUBNET_V4, "pools": [{"pool": pool}]}


def subnet6(subnet_id, pool, interface, pd_prefix=None, pd_length=48, delegated_length=64):
    subnet = {"id": subnet_id, "subnet": netns.SUBNET_V6, "interface": interface,
              "pools": [{"pool": pool}]}
    if pd_prefix:
        subnet["pd-pools"] = [{"prefix": pd_prefix, "prefix-len": pd_length,
                               "delegated-len": delegated_length}]
    return subnet


class DhcpServer:
    """One server process running in a namespace, with its configuration in workdir."""

    def __init__(self, family, namespace, workdir, config, binary=None, port=None):
        self.family = family
        self.namespace = namespace
        self.workdir = workdir
        self.binary = binary or server_binary(family)
        self.port = port
        self.config_path = os.path.join(workdir, f"dhcp{family}.json")
        self.process = None
        self.write_config(config)

    @property
    def lease_file(self):
        return self.config[f"Dhcp{self.family}"]["lease-database"]["name"]

    def write_config(self, config):
        self.config = config
        with open(self.config_path, "w") as out:
            json.dump(config, out, indent=2)

    def environment(self):
        env = dict(os.environ)
        # Kea writes its PID and logger lock files here instead of /run/kea.
        env["KEA_PIDFILE_DIR"] = self.workdir
        env["KEA_LOCKFILE_DIR"] = self.workdir
        return env

    def check_config(self, path=None):
        """Run the binary with -t on path (default: the current configuration file)."""
        argv = self.namespace.command(self.binary, "-t", path or self.config_path)
        return subprocess.run(argv, capture_output=True, text=True, timeout=60, env=self.environment())

    def start(self):
        """Start the server and wait until it has a socket open on its port."""
        argv = [self.binary, "-c", self.config_path]
        if self.port:
            argv += ["-p", str(self.port)]
        log = os.path.join(self.workdir, "server.stdout")
        self.process = ManagedProcess(self.namespace.command(*argv), log, env=self.environment())
        wait_until(self._listening, START_TIMEOUT_SECONDS,
                   f"{os.path.basename(self.binary)} to open its DHCP socket")

    def _listening(self):
        """True once the server has the sockets it receives client packets on.

        With raw sockets (DHCPv4 "dhcp-socket-type": "raw") that is a packet socket bound to
        each configured interface: Kea 2.2 opens its UDP socket on port 67 first and discards
        what arrives there, so a packet sent between the two would be lost.
        """
        if not self.process.running():
            raise AssertionError(
                f"{self.binary} exited with {self.process.poll()} during start-up:\n"
                f"{self.process.output_tail()}")
        owner = f"pid={self.process.pid},"
        body = self.config[f"Dhcp{self.family}"]
        interfaces_config = body.get("interfaces-config", {})
        if self.family == 4 and interfaces_config.get("dhcp-socket-type") == "raw":
            packet = self.namespace.run("ss", "-H0p", check=False).stdout.splitlines()
            bound = [line for line in packet if owner in line]
            interfaces = [name.split("/")[0] for name in interfaces_config.get("interfaces", [])]
            return all(any(f":{name} " in line for line in bound) for name in interfaces)
        port = self.port or DEFAULT_PORTS[self.family]
        udp = self.namespace.run("ss", "-Hlunp", f"sport = :{port}", check=False).stdout
        return owner in udp

    def reload(self):
        """Send SIGHUP, which makes the server read its configuration file again."""
        self.process.signal(signal.SIGHUP)

    def stop(self):
        """Stop the server with SIGTERM and return its exit code (None if never started)."""
        if self.process is None:
            return None
        code = self.process.stop()
        return code

    def log(self):
        """Return the server's standard output and its log file, for failure messages."""
        parts = [self.process.output() if self.process else ""]
        log_path = os.path.join(self.workdir, "server.log")
        if os.path.exists(log_path):
            with open(log_path, errors="replace") as log:
                parts.append(log.read())
        return "\n".join(parts)
