"""Processes the harness starts, stopped by their own PID, and polling with a deadline."""

import os
import signal
import subprocess
import time

# How often wait_until re-checks its condition. Polling replaces an event that the program
# under test has no way to announce (a socket opened, a line appended to a file).
POLL_INTERVAL_SECONDS = 0.05


class WaitTimeout(AssertionError):
    """A condition that wait_until polled for did not become true before its deadline."""


def wait_until(condition, timeout, description):
    """Poll condition() until it returns a true value, and return that value.

    Raises WaitTimeout naming description when timeout seconds pass first. The deadline is a
    bound on a hung run, not a performance requirement: choose it generously.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise WaitTimeout(f"timed out after {timeout} s waiting for {description}")
        time.sleep(POLL_INTERVAL_SECONDS)


class ManagedProcess:
    """A child process started by the harness, whose output goes to a log file.

    Commands are run through `ip netns exec`, which execs the command, so the PID of the child
    is the PID of the program itself and signals reach it directly.
    """

    def __init__(self, argv, log_path, env=None):
        self.argv = list(argv)
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self._process = subprocess.Popen(
            self.argv, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            env=env, start_new_session=True)

    @property
    def pid(self):
        return self._process.pid

    def poll(self):
        """Return the exit code, or None while the process runs."""
        return self._process.poll()

    def running(self):
        return self._process.poll() is None

    def signal(self, signum):
        if self.running():
            os.kill(self.pid, signum)

    def wait(self, timeout):
        """Wait up to timeout seconds for the exit and return the exit code."""
        try:
            return self._process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as error:
            raise WaitTimeout(f"{self.argv[0]} (PID {self.pid}) still running after {timeout} s") from error

    def stop(self, timeout=15):
        """Send SIGTERM, wait for the exit, and return the exit code.

        A process that ignores SIGTERM for timeout seconds gets SIGKILL, and the returned code
        is then the negative signal number that subprocess reports.
        """
        if self.running():
            os.kill(self.pid, signal.SIGTERM)
            try:
                self._process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self._process.wait()
        self._log.close()
        return self._process.returncode

    def output(self):
        """Return everything the process has written to its log so far."""
        with open(self.log_path, "rb") as log:
            return log.read().decode(errors="replace")

    def output_tail(self, lines=20):
        return "\n".join(self.output().splitlines()[-lines:])
