"""perfdhcp (from Debian's kea-admin 2.2 package): runs it and parses its report.

perfdhcp exits 0 when every exchange completed, 3 when any packet was lost, and 1 or 2 on
errors. Tests assert on the parsed statistics as well as on the exit code.
"""

import dataclasses
import re
import subprocess


@dataclasses.dataclass
class ExchangeStats:
    """Counters perfdhcp reports for one exchange type, such as DISCOVER-OFFER."""
    name: str
    sent: int = 0
    received: int = 0
    drops: int = 0
    orphans: int = 0
    rejected_leases: int = 0
    non_unique_addresses: int = 0
    avg_delay_ms: float = 0.0


@dataclasses.dataclass
class PerfResult:
    returncode: int
    output: str
    rate: float = 0.0           # achieved exchanges per second, as perfdhcp reports it
    malformed: int = 0
    exchanges: dict = dataclasses.field(default_factory=dict)

    def exchange(self, name):
        if name not in self.exchanges:
            raise AssertionError(f"perfdhcp reported no {name} statistics:\n{self.output}")
        return self.exchanges[name]

    def lost(self):
        """Return how many first messages got no final reply (sent minus fully completed)."""
        names = list(self.exchanges)
        if not names:
            return 0
        return self.exchanges[names[0]].sent - self.exchanges[names[-1]].received


_COUNTERS = {
    "sent packets": "sent",
    "received packets": "received",
    "drops": "drops",
    "orphans": "orphans",
    "rejected leases": "rejected_leases",
    "non unique addresses": "non_unique_addresses",
}


def parse(output, returncode=0):
    """Parse perfdhcp's text report into a PerfResult.

    Raises ValueError when the text has no rate line or a counter is not a number, which is
    what a crashed or misused perfdhcp prints.
    """
    result = PerfResult(returncode=returncode, output=output)
    current = None
    saw_rate = False
    for line in output.splitlines():
        line = line.strip()
        header = re.match(r"^\*\*\*Statistics for: (\S+)\*\*\*$", line)
        if header:
            current = ExchangeStats(header.group(1))
            result.exchanges[current.name] = current
            continue
        if line.startswith("Rate:"):
            match = re.match(r"^Rate: ([0-9.]+)", line)
            if not match:
                raise ValueError(f"invalid perfdhcp rate line: {line!r}")
            result.rate = float(match.group(1))
            saw_rate = True
            continue
        key, separator, value = line.partition(":")
        if not separator:
            continue
        value = value.strip()
        if key == "Malformed packets":
            result.malformed = _number(key, value)
        elif current is not None and key in _COUNTERS:
            setattr(current, _COUNTERS[key], _number(key, value))
        elif current is not None and key == "avg delay":
            current.avg_delay_ms = float(value.split()[0])
    if not saw_rate:
        raise ValueError(f"perfdhcp output has no rate line:\n{output}")
    return result


def _number(key, value):
    try:
        return int(value)
    except ValueError as error:
        raise ValueError(f"invalid perfdhcp counter {key!r}: {value!r}") from error


def run(namespace, args, timeout):
    """Run perfdhcp with args inside namespace and return the parsed result.

    timeout bounds the whole run in seconds; args should bound it too (-n or -p).
    """
    argv = namespace.command("perfdhcp", *args)
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    output = completed.stdout + completed.stderr
    if completed.returncode not in (0, 3):
        raise AssertionError(f"perfdhcp exited with {completed.returncode}:\n{output}")
    return parse(output, completed.returncode)
