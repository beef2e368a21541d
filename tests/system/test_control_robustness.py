"""Bad input on the control channels while a relay agent keeps acquiring leases.

Each bad request gets a clear answer (or, over the connection limit, a clean close), and
afterwards the server still serves DHCP and the control API. The relay agent's exchanges run
in a thread through the whole test and must all succeed.
"""

import json
import os
import socket
import threading
import time
import unittest

from harness import control, netns, server, traffic
from harness.process import wait_until
from harness.testcase import SystemTestCase

HTTP_PORT = 8000
USER = "operator"
PASSWORD = "correct horse"
# The channel limits built into the server (ChannelLimits in server/control/control_server.h).
MAX_CONNECTIONS = 64
MAX_BODY_BYTES = 16 * 1024 * 1024
REQUEST_TIMEOUT_SECONDS = 10
# Generous bound for an answer the server sends at once; it is no performance requirement.
PROMPT_SECONDS = 5


def http_text(method, body, headers=()):
    """Return a complete HTTP/1.1 request as bytes."""
    lines = [f"{method} / HTTP/1.1", "Host: 127.0.0.1", *headers]
    if body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n" + (body or "")).encode()


def read_http_response(sock):
    """Read one HTTP response from sock and return (status, parsed JSON body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise AssertionError(f"connection closed before a full response: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    length = next(int(line.split(":", 1)[1]) for line in lines[1:]
                  if line.lower().startswith("content-length:"))
    while len(body) < length:
        chunk = sock.recv(4096)
        if not chunk:
            break
        body += chunk
    return status, json.loads(body[:length])


def closed_by_peer(sock, timeout):
    """True when the peer closes sock (EOF or reset) within timeout seconds with no data."""
    sock.settimeout(timeout)
    try:
        return sock.recv(4096) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


class ControlRobustnessTest(SystemTestCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link(relay=True)
        self.socket_path = os.path.join(self.workdir, "control.sock")
        config = server.dhcp4_config(
            self.workdir, self.link.server_interface,
            [server.relayed_subnet4(2, "198.18.1.0 - 198.19.255.254")],
            valid_lifetime=3600,
            control_sockets=[
                {"socket-type": "unix", "socket-name": self.socket_path},
                {"socket-type": "http", "socket-address": "127.0.0.1", "socket-port": HTTP_PORT,
                 "authentication": {"type": "basic", "realm": "leasehold-test",
                                    "clients": [{"user": USER, "password": PASSWORD}]}}])
        self.server = self.start_server(4, self.link, config)
        wait_until(lambda: os.path.exists(self.socket_path), 10, "the control socket")
        self.http = control.HttpControl(self.link.server, "127.0.0.1", HTTP_PORT)
        self.auth = (f"Authorization: {control.basic_authorization(USER, PASSWORD)}",)
        self.leases = traffic.LeaseLoop(self.link.client).start()
        self.addCleanup(self.leases.stop)

    def tearDown(self):
        completed, failures = self.leases.stop()
        self.assertEqual(failures, [], self.leases.summary())
        self.assertGreater(completed, 0, self.leases.summary())
        super().tearDown()

    def unix(self, request):
        return control.unix_command(self.socket_path, request)

    def http_exchange(self, data, timeout=PROMPT_SECONDS):
        with self.http.raw_socket() as sock:
            sock.settimeout(timeout)
            sock.sendall(data)
            return read_http_response(sock)

    def assert_still_serving(self):
        self.assertTrue(self.server.process.running(), self.server.log()[-3000:])
        self.assertEqual(self.unix({"command": "version-get"})["result"], 0)
        status, answer = self.http_exchange(
            http_text("POST", json.dumps({"command": "status-get"}), self.auth))
        self.assertEqual(status, 200)
        self.assertEqual(answer["result"], 0)
        completed = self.leases.completed
        wait_until(lambda: self.leases.completed > completed + 2, 30,
                   "more DHCP exchanges after the bad input")

    def test_unix_socket_bad_requests_get_error_answers(self):
        cases = [
            ("not JSON", "not json", 1, "invalid first character n"),
            ("invalid JSON", '{"command": x}', 1, "invalid JSON command"),
            ("unknown command", {"command": "no-such-command"}, 2, "not supported"),
            ("missing arguments", {"command": "lease4-get"}, 1, ""),
            ("wrongly typed argument", {"command": "lease4-get", "arguments": {"ip-address": 5}},
             1, ""),
            ("arguments not a map", {"command": "lease4-add", "arguments": [1]}, 1, ""),
            ("command not a string", {"command": 7}, 1, "not a string"),
        ]
        for name, request, result, text in cases:
            with self.subTest(name):
                answer = self.unix(request)
                self.assertEqual(answer["result"], result, answer)
                self.assertIn(text, answer["text"])

        with self.subTest("truncated JSON"):
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(PROMPT_SECONDS)
                sock.connect(self.socket_path)
                sock.sendall(b'{"command": "list-comm')
                sock.shutdown(socket.SHUT_WR)
                answer = json.loads(control.receive_until_close(sock))
            self.assertEqual(answer["result"], 1)
            self.assertIn("incomplete JSON command", answer["text"])

        with self.subTest("oversized request"):
            answer = self.send_oversized_unix_request()
            self.assertEqual(answer["result"], 1)
            self.assertIn("larger than the limit", answer["text"])

        self.assert_still_serving()

    def send_oversized_unix_request(self):
        """Send a request one MiB over the body limit and return the server's answer.

        The server answers and closes as soon as the limit is passed, so the rest of the
        request may meet a closed socket; the answer is still in the receive queue.
        """
        payload = b'{"command": "lease4-add", "arguments": {"hostname": "' + \
            b"x" * (MAX_BODY_BYTES + 1024 * 1024) + b'"}}'
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(30)
            sock.connect(self.socket_path)
            try:
                sock.sendall(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return json.loads(control.receive_until_close(sock))

    def test_http_bad_requests_get_error_answers(self):
        cases = [
            ("invalid JSON", http_text("POST", '{"command": x}', self.auth), 400, 1),
            ("truncated JSON", http_text("POST", '{"command": "list-comm', self.auth), 400, 1),
            ("unknown command", http_text("POST", '{"command": "no-such-command"}', self.auth),
             200, 2),
            ("missing arguments", http_text("POST", '{"command": "lease4-get"}', self.auth),
             200, 1),
            ("wrongly typed argument",
             http_text("POST", '{"command": "lease4-get-page", "arguments": '
                               '{"from": "start", "limit": "ten"}}', self.auth), 200, 1),
            ("no credentials", http_text("POST", '{"command": "version-get"}'), 401, 401),
            ("wrong password",
             http_text("POST", '{"command": "version-get"}',
                       (f"Authorization: {control.basic_authorization(USER, 'wrong')}",)),
             401, 401),
            ("unknown user",
             http_text("POST", '{"command": "version-get"}',
                       (f"Authorization: {control.basic_authorization('nobody', PASSWORD)}",)),
             401, 401),
            ("wrong method", http_text("PUT", '{"command": "version-get"}', self.auth), 405, 405),
            ("wrong content type",
             http_text("POST", '{"command": "version-get"}',
                       (*self.auth, "Content-Type: text/plain")), 415, 415),
        ]
        for name, data, status, result in cases:
            with self.subTest(name):
                got_status, answer = self.http_exchange(data)
                self.assertEqual(got_status, status, answer)
                self.assertEqual(answer["result"], result, answer)
                self.assertTrue(answer["text"], answer)

        with self.subTest("oversized body"):
            # The Content-Length alone is over the limit; the server answers without the body.
            head = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"{self.auth[0]}\r\nContent-Length: {MAX_BODY_BYTES + 1}\r\n\r\n")
            status, answer = self.http_exchange(head.encode() + b'{"command": ')
            self.assertEqual(status, 413)
            self.assertIn("larger than the limit", answer["text"])

        with self.subTest("invalid HTTP"):
            status, answer = self.http_exchange(b"NOT HTTP AT ALL\r\n\r\n")
            self.assertEqual(status, 400)

        with self.subTest("one byte at a time"):
            data = http_text("POST", '{"command": "version-get"}', self.auth)
            with self.http.raw_socket() as sock:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                for index in range(len(data)):
                    sock.sendall(data[index:index + 1])
                    time.sleep(0.002)
                status, answer = read_http_response(sock)
            self.assertEqual(status, 200)
            self.assertEqual(answer["result"], 0)

        self.assert_still_serving()

    def test_slow_clients_and_connection_limit(self):
        # A client trickling one byte every half second is cut off once the request timeout
        # passes, with an HTTP 408 answer; it runs while the connection limit is tested.
        slow_result = {}

        def trickle():
            data = http_text("POST", '{"command": "version-get"}', self.auth)
            with self.http.raw_socket() as sock:
                sock.settimeout(REQUEST_TIMEOUT_SECONDS * 3)
                started = time.monotonic()
                try:
                    for index in range(len(data)):
                        sock.sendall(data[index:index + 1])
                        time.sleep(0.5)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                slow_result["response"] = read_http_response(sock)
                slow_result["seconds"] = time.monotonic() - started

        slow = threading.Thread(target=trickle)
        slow.start()
        self.addCleanup(slow.join, REQUEST_TIMEOUT_SECONDS * 4)

        # Silent UNIX socket clients are answered with Kea's timeout text.
        silent_unix = []
        for _ in range(3):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(self.socket_path)
            silent_unix.append(sock)

        # Fill the HTTP channel; the slow client takes one of the slots.
        held = []
        try:
            for _ in range(MAX_CONNECTIONS - 1):
                held.append(self.http.raw_socket())
            # The slot count is updated on the server's control thread after each accept.
            time.sleep(0.5)
            over_limit = self.http.raw_socket()
            with over_limit:
                self.assertTrue(closed_by_peer(over_limit, PROMPT_SECONDS),
                                "a connection over the limit was not closed")
            # The UNIX socket has its own limit, so it still answers.
            self.assertEqual(self.unix({"command": "version-get"})["result"], 0)
        finally:
            for sock in held:
                sock.close()

        for sock in silent_unix:
            with sock:
                answer = json.loads(control.receive_until_close(sock))
                self.assertEqual(answer["result"], 1)
                self.assertIn("timed out", answer["text"])

        slow.join(REQUEST_TIMEOUT_SECONDS * 4)
        status, answer = slow_result["response"]
        self.assertEqual(status, 408, answer)
        self.assertIn("not received in time", answer["text"])

        # Closed connections free their slots as the server notices each close.
        def http_accepts():
            try:
                request = http_text("POST", '{"command": "version-get"}', self.auth)
                return self.http_exchange(request)[0] == 200
            except (AssertionError, OSError):
                return False

        wait_until(http_accepts, PROMPT_SECONDS, "the HTTP channel to accept requests again")
        self.assert_still_serving()


if __name__ == "__main__":
    unittest.main()
