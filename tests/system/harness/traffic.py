"""Background DHCPv4 traffic: a relay agent that keeps acquiring leases while a test works.

Used to show that what a test does to the control API never interrupts DHCP service.
"""

import threading
import time

from . import dhcp4

# Retransmissions allowed per message before an exchange counts as failed. A client
# retransmits too; one retry absorbs a scheduling delay on a loaded test machine.
ATTEMPTS = 2


class LeaseLoop:
    """Runs DISCOVER-OFFER-REQUEST-ACK exchanges for new clients in a thread until stopped.

    Each exchange uses a new hardware address, so each is a new lease. Failures keep the
    client's MAC and the reason; `completed` counts exchanges that ended with an ACK.
    A new exchange starts `interval` seconds after the previous one ended, so the loop uses
    little CPU and a pool of a few thousand addresses lasts for minutes.
    """

    def __init__(self, namespace, first_client=1, reply_timeout=2.0, interval=0.02):
        self.relay = dhcp4.RelayAgent4(namespace, reply_timeout=reply_timeout)
        self.completed = 0
        self.retried = 0
        self.failures = []
        self._next_client = first_client
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(self._interval):
            mac = dhcp4.numbered_mac(self._next_client)
            self._next_client += 1
            try:
                self._exchange(mac)
            except (AssertionError, OSError) as error:
                self.failures.append(f"{mac}: {error}")

    def _exchange(self, mac):
        offer, attempt = self.relay.discover(mac, attempts=ATTEMPTS)
        self.retried += attempt - 1
        if offer is None or offer.message_type != dhcp4.OFFER:
            raise AssertionError(f"expected OFFER, got {offer and offer.message_name}")
        ack, attempt = self.relay.request_offered(mac, offer, attempts=ATTEMPTS)
        self.retried += attempt - 1
        if ack is None or ack.message_type != dhcp4.ACK:
            raise AssertionError(f"expected ACK for {offer.yiaddr}, got {ack and ack.message_name}")
        self.completed += 1

    def stop(self):
        """Stop after the exchange in progress and return (completed, failures)."""
        self._stop.set()
        self._thread.join(timeout=30)
        self.relay.close()
        return self.completed, list(self.failures)

    def summary(self):
        return (f"{self.completed} exchanges completed, {self.retried} retransmissions, "
                f"{len(self.failures)} failed: {self.failures[:5]}")
