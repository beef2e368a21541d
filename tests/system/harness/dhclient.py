"""ISC dhclient (Debian's isc-dhcp-client 4.4) as a real DHCPv4 and DHCPv6 client.

dhclient runs in the foreground (-d) inside the client namespace, trying once (-1), with its
configuration, lease, PID and script files all in the test's directory, so nothing on the
host changes. Its script records every event as one line in an events file, and configures
the leased IPv4 address on the interface, which dhclient needs to unicast its renewals.
"""

import os
import stat

from .process import ManagedProcess, wait_until

# Configuration for both families: give up after 20 s (dhclient -1 then exits with code 2),
# and start retransmitting after 1 s rather than dhclient's default backoff.
CLIENT_CONFIG = "timeout 20;\ninitial-interval 1;\n"

# Events are written as tab-separated key=value fields; no value dhclient sets contains a tab.
EVENT_SCRIPT = r"""#!/bin/sh
printf 'reason=%s\tinterface=%s\tnew_ip_address=%s\tnew_subnet_mask=%s\tnew_dhcp_lease_time=%s\told_ip_address=%s\tnew_ip6_address=%s\tnew_ip6_prefixlen=%s\tnew_ip6_prefix=%s\told_ip6_address=%s\told_ip6_prefix=%s\tnew_max_life=%s\tnew_preferred_life=%s\n' \
  "$reason" "$interface" "$new_ip_address" "$new_subnet_mask" "$new_dhcp_lease_time" \
  "$old_ip_address" "$new_ip6_address" "$new_ip6_prefixlen" "$new_ip6_prefix" \
  "$old_ip6_address" "$old_ip6_prefix" "$new_max_life" "$new_preferred_life" >> "%(events)s"
case "$reason" in
  BOUND|RENEW|REBIND|REBOOT)
    ip addr replace "$new_ip_address/${new_subnet_mask:-255.255.255.255}" dev "$interface" ;;
  RELEASE|EXPIRE|STOP)
    [ -n "$old_ip_address" ] && ip addr del "$old_ip_address/${old_subnet_mask:-255.255.255.255}" dev "$interface" ;;
esac
exit 0
"""

START_TIMEOUT_SECONDS = 30


def parse_events(text):
    """Return the events written by EVENT_SCRIPT as dicts, dropping empty fields."""
    events = []
    for line in text.splitlines():
        fields = {}
        for field in line.split("\t"):
            key, separator, value = field.partition("=")
            if separator and value:
                fields[key] = value
        if "reason" in fields:
            events.append(fields)
    return events


class DhClient:
    """One dhclient instance for family 4 or 6 on the client end of a link.

    flags are extra dhclient options, such as ["-N", "-P"] for a DHCPv6 address and prefix.
    """

    def __init__(self, family, namespace, interface, workdir, flags=(), name="dhclient"):
        self.family = family
        self.namespace = namespace
        self.interface = interface
        self.flags = list(flags)
        prefix = os.path.join(workdir, f"{name}{family}")
        self.config_file = prefix + ".conf"
        self.lease_file = prefix + ".leases"
        self.pid_file = prefix + ".pid"
        self.script_file = prefix + ".script"
        self.events_file = prefix + ".events"
        self.log_file = prefix + ".log"
        self.process = None

        with open(self.config_file, "w") as out:
            out.write(CLIENT_CONFIG)
        with open(self.script_file, "w") as out:
            out.write(EVENT_SCRIPT.replace("%(events)s", self.events_file))
        os.chmod(self.script_file, stat.S_IRWXU)
        open(self.events_file, "a").close()

    def _argv(self, *mode):
        return self.namespace.command(
            "dhclient", f"-{self.family}", *mode, "-v", *self.flags, "-cf", self.config_file,
            "-lf", self.lease_file, "-pf", self.pid_file, "-sf", self.script_file, self.interface)

    def start(self):
        """Start dhclient in the foreground; it keeps running and renewing until stop()."""
        self.process = ManagedProcess(self._argv("-d", "-1"), self.log_file)

    def events(self, reason=None):
        with open(self.events_file) as events:
            parsed = parse_events(events.read())
        return [event for event in parsed if reason is None or event["reason"] == reason]

    def wait_for(self, reason, count=1, timeout=START_TIMEOUT_SECONDS):
        """Wait until the script has recorded count events with reason; return them all.

        Fails at once, with dhclient's output, if dhclient exits first.
        """
        def reached():
            found = self.events(reason)
            if len(found) >= count and self._lease_file_has(found):
                return found
            if self.process is not None and not self.process.running():
                raise AssertionError(
                    f"dhclient exited with {self.process.poll()} before {count} {reason} "
                    f"event(s):\n{self.process.output_tail(30)}")
            return None

        return wait_until(reached, timeout, f"{count} dhclient {reason} event(s)")

    def _lease_file_has(self, events):
        """True when dhclient's lease file names every address and prefix in events.

        dhclient runs its script before it writes the lease file, so a test that stops the
        client right after a BOUND event would otherwise leave it with no lease to release
        or to request again.
        """
        expected = [event[key] for event in events
                  for key in ("new_ip_address", "new_ip6_address", "new_ip6_prefix") if key in event]
        if not expected:
            return True
        if not os.path.exists(self.lease_file):
            return False
        with open(self.lease_file, errors="replace") as leases:
            text = leases.read()
        return all(value in text for value in expected)

    def stop(self):
        """Stop the running dhclient by its PID, without releasing its lease."""
        if self.process is None:
            return None
        code = self.process.stop()
        self.process = None
        # A PID file naming an exited process would make a later `dhclient -r` signal
        # whatever process gets that PID next.
        if os.path.exists(self.pid_file):
            os.remove(self.pid_file)
        return code

    def release(self, timeout=60):
        """Stop the running dhclient, then release its lease with `dhclient -r`.

        Returns the exit code of `dhclient -r`.
        """
        self.stop()
        release = ManagedProcess(self._argv("-r"), self.log_file)
        code = release.wait(timeout)
        release.stop()
        return code

    def output(self):
        if not os.path.exists(self.log_file):
            return ""
        with open(self.log_file, errors="replace") as log:
            return log.read()


def read_default_duid(lease_file):
    """Return the DUID that dhclient -6 stored in its lease file, as "00:01:...", or None.

    dhclient writes it as `default-duid "...";` with C escapes: three octal digits for
    bytes that are not printable, a backslash before a quote or backslash.
    """
    with open(lease_file, "rb") as leases:
        for line in leases.read().splitlines():
            line = line.strip()
            if line.startswith(b"default-duid \"") and line.endswith(b"\";"):
                return ":".join(f"{byte:02x}" for byte in unescape_c_string(line[14:-2]))
    return None


def unescape_c_string(data):
    """Decode dhclient's quoted-string escapes; raises ValueError for a dangling backslash."""
    out = bytearray()
    position = 0
    while position < len(data):
        byte = data[position]
        if byte != ord("\\"):
            out.append(byte)
            position += 1
            continue
        digits = data[position + 1:position + 4]
        if len(digits) == 3 and all(ord("0") <= digit <= ord("7") for digit in digits):
            out.append(int(digits, 8))
            position += 4
        elif position + 1 < len(data):
            out.append(data[position + 1])
            position += 2
        else:
            raise ValueError(f"quoted string ends with a lone backslash: {data!r}")
    return bytes(out)
