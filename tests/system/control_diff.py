#!/usr/bin/env python3
"""Differential test of the control API: Kea 2.2 against another server.

Starts Kea's kea-dhcp4 (or kea-dhcp6) with the lease_cmds and stat_cmds hook libraries, and a
second server binary with the same configuration, sends both the same sequence of control
commands over their UNIX control sockets, and prints every difference in result, text and
arguments after normalizing values that legitimately differ (times, process ids, temporary
paths). Exits 0 when the answers match, 1 when any differ and 2 when a server cannot be run.

    control_diff.py --family 4 /path/to/leasehold-dhcp4
    control_diff.py --family 6 /usr/sbin/kea-dhcp6     # checks the driver against Kea itself
    control_diff.py --family 4 --dump /usr/sbin/kea-dhcp4  # also prints Kea's answers

The sequence comes from control_diff_sequence.json beside this script (--sequence overrides).
Its "dhcp4" and "dhcp6" sections hold a configuration template and a list of steps. The
placeholders {socket}, {tmpdir} and {hooks} in the template and in requests are replaced for
each server. A step is {"name", "request"} or {"name", "raw"} (text sent as it is), with an
optional "compare": "full" (default), "result-text" or "result", an optional "ignore" list
of argument keys whose values are not compared (they are still required on both sides), and
optional "note" explaining an unusual step, optional "extra" and "absent" lists of argument key patterns ("*" matches any text) that
only the other server's answer may have or may lack (deliberately different statistic sets),
and an optional "skip" reason for deliberate differences and commands Kea 2.2 lacks: both answers
are printed, not compared. A skipped step may carry "expect", a JSON object whose keys the
other server's answer must match (a subset check), so the deliberate behaviour is still
tested. With --differences FILE, the command of every step with "skip", "extra" or "absent"
must be named in FILE as `command`, so that each tolerated difference is documented.

Normalization before comparing: temporary paths, recent lease times, statistic sample times
and process facts are replaced. The "(<wire>:line:column)" position that Kea appends to
argument errors is removed, since it counts characters in the request text as Kea serialized
it. Lists of leases are sorted by address, because Kea's order depends on the lease backend
(memfile returns insertion order, its SQL backends address order).
Only the Python 3 standard library is used.
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HOOKS_DIR = "/usr/lib/x86_64-linux-gnu/kea/hooks"
START_TIMEOUT_SECONDS = 20.0
ANSWER_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 10.0
# Leases whose cltt lies this close to the run are taken as stamped by the server ("now").
RECENT_SECONDS = 24 * 3600
# Keys whose values are times or process facts, replaced before comparing.
VOLATILE_KEYS = {"pid", "uptime", "reload", "timestamp"}
# The request position Kea's JSON parser appends to argument errors.
KEA_POSITION = re.compile(r"\s*\(<wire>:\d+:\d+\)$")


class ServerError(Exception):
    """A server could not be started or stopped cleanly."""


class Server:
    """One daemon under test, running in its own temporary directory."""

    def __init__(self, label, binary, config_template, family):
        self.label = label
        self.binary = binary
        self.family = family
        self.tmpdir = tempfile.mkdtemp(prefix="control-diff-%s-" % label)
        self.socket_path = os.path.join(self.tmpdir, "control.sock")
        self.config_path = os.path.join(self.tmpdir, "config.json")
        self.log_path = os.path.join(self.tmpdir, "server.log")
        self.config = substitute(config_template, self.placeholders())
        self.process = None
        self.log_file = None

    def placeholders(self):
        return {"{socket}": self.socket_path, "{tmpdir}": self.tmpdir, "{hooks}": HOOKS_DIR}

    def start(self):
        with open(self.config_path, "w", encoding="utf-8") as handle:
            json.dump(self.config, handle, indent=2)
        environment = dict(os.environ)
        environment["KEA_LOCKFILE_DIR"] = self.tmpdir
        environment["KEA_PIDFILE_DIR"] = self.tmpdir
        self.log_file = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "-c", self.config_path],
            stdin=subprocess.DEVNULL, stdout=self.log_file, stderr=subprocess.STDOUT,
            env=environment, cwd=self.tmpdir)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError("%s exited with status %d during start-up; see %s" %
                                  (self.binary, self.process.returncode, self.log_path))
            if self.socket_accepts():
                return
            time.sleep(0.05)
        raise ServerError("%s did not open its control socket %s within %.0f s; see %s" %
                          (self.binary, self.socket_path, START_TIMEOUT_SECONDS, self.log_path))

    def socket_accepts(self):
        if not os.path.exists(self.socket_path):
            return False
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(self.socket_path)
            return True
        except OSError:
            return False
        finally:
            probe.close()

    def send(self, text):
        """Sends one request and returns the server's whole answer as text."""
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(ANSWER_TIMEOUT_SECONDS)
        try:
            client.connect(self.socket_path)
            client.sendall(text.encode("utf-8"))
            chunks = []
            while True:
                chunk = client.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
            return b"".join(chunks).decode("utf-8", errors="replace")
        except OSError as error:
            return "<no answer: %s>" % error
        finally:
            client.close()

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()
        self.process = None

    def cleanup(self):
        shutil.rmtree(self.tmpdir, ignore_errors=True)


def substitute(value, placeholders, config=None):
    """Replaces the placeholders in every string inside a JSON value. A string that is exactly
    "{config}" becomes the server's configuration object."""
    if value == "{config}" and config is not None:
        return config
    if isinstance(value, str):
        for key, replacement in placeholders.items():
            value = value.replace(key, replacement)
        return value
    if isinstance(value, list):
        return [substitute(item, placeholders, config) for item in value]
    if isinstance(value, dict):
        return {key: substitute(item, placeholders, config) for key, item in value.items()}
    return value


def normalize(value, server, now, key=None):
    """Replaces temporary paths, recent lease times, statistic sample times and process
    facts, so that two servers' answers compare equal when they mean the same."""
    if isinstance(value, dict):
        return {name: normalize(item, server, now, name) for name, item in value.items()}
    if key == "leases" and isinstance(value, list):
        items = [normalize(item, server, now) for item in value]
        return sorted(items, key=lambda lease: json.dumps(lease, sort_keys=True))
    if key == "text" and isinstance(value, str):
        value = KEA_POSITION.sub("", value)
    if isinstance(value, list):
        # A statistic sample is [value, "YYYY-MM-DD HH:MM:SS.ffffff"].
        if (len(value) == 2 and isinstance(value[1], str) and len(value[1]) == 26
                and value[1][4] == "-" and value[1][19] == "."):
            return [normalize(value[0], server, now), "<sample-time>"]
        return [normalize(item, server, now) for item in value]
    if key in VOLATILE_KEYS and isinstance(value, (int, float, str)):
        return "<%s>" % key
    if key == "cltt" and isinstance(value, int) and abs(value - now) < RECENT_SECONDS:
        return "<now>"
    if isinstance(value, str):
        return value.replace(server.tmpdir, "{tmpdir}")
    return value


def parse_answer(text):
    try:
        return json.loads(text)
    except ValueError:
        return {"<unparsable>": text}


def drop_keys(answer, keys):
    """Replaces the values of ignored argument keys, keeping their presence visible."""
    if not keys:
        return answer
    if isinstance(answer, list):
        return [drop_keys(item, keys) for item in answer]
    if isinstance(answer, dict) and isinstance(answer.get("arguments"), dict):
        arguments = dict(answer["arguments"])
        for key in keys:
            if key in arguments:
                arguments[key] = "<ignored>"
        answer = dict(answer)
        answer["arguments"] = arguments
    return answer


def key_pattern(pattern):
    return re.compile("^" + ".*".join(re.escape(part) for part in pattern.split("*")) + "$")


def tolerate_keys(expected, actual, extra, absent):
    """Drops argument keys matching "extra" from actual when expected lacks them, and keys
    matching "absent" from expected when actual lacks them."""
    if not isinstance(expected, dict) or not isinstance(actual, dict):
        return expected, actual
    left = expected.get("arguments")
    right = actual.get("arguments")
    if not isinstance(left, dict) or not isinstance(right, dict):
        return expected, actual
    extra = [key_pattern(pattern) for pattern in extra]
    absent = [key_pattern(pattern) for pattern in absent]
    right = {key: value for key, value in right.items()
             if key in left or not any(pattern.match(key) for pattern in extra)}
    left = {key: value for key, value in left.items()
            if key in right or not any(pattern.match(key) for pattern in absent)}
    return dict(expected, arguments=left), dict(actual, arguments=right)


def differences(path, expected, actual):
    """Yields (path, expected, actual) for every leaf where the two JSON values differ."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for name in sorted(set(expected) | set(actual)):
            child = "%s.%s" % (path, name) if path else name
            if name not in actual:
                yield child, expected[name], "<missing>"
            elif name not in expected:
                yield child, "<missing>", actual[name]
            else:
                yield from differences(child, expected[name], actual[name])
        return
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        for index, (left, right) in enumerate(zip(expected, actual)):
            yield from differences("%s[%d]" % (path, index), left, right)
        return
    if expected != actual or type(expected) is not type(actual):
        yield path or "<answer>", expected, actual


def compared_part(answer, mode):
    if not isinstance(answer, dict) or mode == "full":
        return answer
    kept = {"result": answer.get("result", "<missing>")}
    if mode == "result-text":
        kept["text"] = answer.get("text", "<missing>")
    return kept


def unmatched_expectations(expected, actual, path=""):
    """Yields (path, expected, actual) for each key of expected that actual lacks or has
    with another value. Lists and scalars compare whole; objects compare key by key."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for name, value in expected.items():
            child = "%s.%s" % (path, name) if path else name
            if name not in actual:
                yield child, value, "<missing>"
            else:
                yield from unmatched_expectations(value, actual[name], child)
        return
    if expected != actual or type(expected) is not type(actual):
        yield path or "<answer>", expected, actual


def undocumented_skips(steps, differences_text):
    """Returns the names of steps that tolerate a difference ("skip", "extra", "absent")
    whose command the differences file does not name."""
    missing = []
    for step in steps:
        if not {"skip", "extra", "absent"} & set(step):
            continue
        command = step.get("request", {}).get("command", "")
        if "`%s`" % command not in differences_text:
            missing.append("%s (%s)" % (step.get("name"), command))
    return missing


def request_text(step, server):
    if "raw" in step:
        return substitute(step["raw"], server.placeholders())
    return json.dumps(substitute(step["request"], server.placeholders(), server.config))


def run_sequence(section, kea, other, dump):
    """Runs every step on both servers and returns (failed, skipped) step counts."""
    now = int(time.time())
    failures = 0
    skipped = 0
    for number, step in enumerate(section["steps"], start=1):
        name = step.get("name", "step %d" % number)
        answers = []
        for server in (kea, other):
            text = server.send(request_text(step, server))
            answers.append(normalize(parse_answer(text), server, now))
        if "skip" in step:
            # The step exercises a command Kea 2.2 lacks; both answers are shown, not compared.
            skipped += 1
            print("SKIP %d %s: %s\n   kea: %s\n   other: %s" %
                  (number, name, step["skip"], json.dumps(answers[0]), json.dumps(answers[1])))
            unmet = list(unmatched_expectations(step.get("expect", {}), answers[1]))
            for path, left, right in unmet:
                print("UNEXPECTED %d %s: %s: expected=%s other=%s" %
                      (number, name, path, json.dumps(left), json.dumps(right)))
            if unmet:
                failures += 1
            continue
        mode = step.get("compare", "full")
        expected, actual = tolerate_keys(answers[0], answers[1], step.get("extra", []),
                                         step.get("absent", []))
        expected = compared_part(drop_keys(expected, step.get("ignore")), mode)
        actual = compared_part(drop_keys(actual, step.get("ignore")), mode)
        if dump:
            print("== %d %s\n   kea: %s" % (number, name, json.dumps(answers[0], sort_keys=True)))
        found = list(differences("", expected, actual))
        for path, left, right in found:
            print("DIFF %d %s: %s: kea=%s other=%s" %
                  (number, name, path, json.dumps(left), json.dumps(right)))
        if found:
            failures += 1
    return failures, skipped


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", help="server binary to compare with Kea (started as BINARY -c FILE)")
    parser.add_argument("--family", choices=["4", "6"], default="4", help="DHCPv4 or DHCPv6 daemon")
    parser.add_argument("--kea", help="Kea binary (default /usr/sbin/kea-dhcp4 or kea-dhcp6)")
    parser.add_argument("--sequence", default=os.path.join(here, "control_diff_sequence.json"),
                        help="command sequence file")
    parser.add_argument("--dump", action="store_true", help="print Kea's normalized answers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    parser.add_argument("--differences",
                        help="document that must name the command of every step that tolerates a difference")
    options = parser.parse_args()

    kea_binary = options.kea or "/usr/sbin/kea-dhcp%s" % options.family
    with open(options.sequence, encoding="utf-8") as handle:
        section = json.load(handle)["dhcp%s" % options.family]
    if options.differences:
        with open(options.differences, encoding="utf-8") as handle:
            undocumented = undocumented_skips(section["steps"], handle.read())
        if undocumented:
            print("ERROR skipped steps whose command %s does not name: %s" %
                  (options.differences, ", ".join(undocumented)), file=sys.stderr)
            return 1

    kea = Server("kea", kea_binary, section["config"], options.family)
    other = Server("other", options.other, section["config"], options.family)
    try:
        try:
            kea.start()
            other.start()
        except ServerError as error:
            print("ERROR %s" % error, file=sys.stderr)
            return 2
        failures, skipped = run_sequence(section, kea, other, options.dump)
    finally:
        kea.stop()
        other.stop()
        if options.keep:
            print("kept %s and %s" % (kea.tmpdir, other.tmpdir))
        else:
            kea.cleanup()
            other.cleanup()

    total = len(section["steps"])
    print("%d passed, %d failed, %d skipped" % (total - failures - skipped, failures, skipped))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
