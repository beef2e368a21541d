"""Real control clients against the daemon: curl over HTTP and HTTPS with basic
authentication, Kea's own Python connector (python3-kea-connector, which kea-shell uses) on
the HTTP listener, and socat on the UNIX socket. The channels are configured with the
`control-socket` and `control-sockets` keys as Kea 2.7 and later read them.
"""

import json
import os
import subprocess
import textwrap
import unittest

from harness import control, server
from harness.process import wait_until
from harness.testcase import SystemTestCase

HTTP_PORT = 8000
HTTPS_PORT = 8443
USER = "admin"
PASSWORD = "s3cret:with colon"
CLIENT_TIMEOUT_SECONDS = 30
KEA_CONNECTOR_DIR = "/usr/lib/python3/dist-packages/kea"


class ControlClientsTest(SystemTestCase):

    def setUp(self):
        super().setUp()
        self.link = self.make_link()
        self.socket_path = os.path.join(self.workdir, "control.sock")

    def start(self, **control_keys):
        config = server.dhcp4_config(
            self.workdir, self.link.server_interface,
            [server.direct_subnet4(1, "192.0.2.100 - 192.0.2.200", self.link.server_interface)],
            **control_keys)
        return self.start_server(4, self.link, config)

    def run_in_server_namespace(self, *argv, input_text=None):
        return subprocess.run(self.link.server.command(*argv), input=input_text,
                              capture_output=True, text=True, timeout=CLIENT_TIMEOUT_SECONDS)

    def curl(self, url, body, *options):
        """POST body with curl and return (HTTP status, response text, curl's exit code)."""
        result = self.run_in_server_namespace(
            "curl", "--silent", "--show-error", "--max-time", "20",
            "--header", "Content-Type: application/json", "--data", json.dumps(body),
            "--write-out", "\n%{http_code}", *options, url)
        text, _, status = result.stdout.rpartition("\n")
        return int(status or 0), text, result.returncode

    def wait_for_listener(self, url, *options):
        """Wait until the listener answers; the daemon opens its control channels only after
        its DHCP sockets, which is what start() waits for."""
        wait_until(lambda: self.curl(url, {"command": "version-get"}, *options)[0] == 401, 10,
                   f"the control listener at {url}")

    def http_socket(self, **extra):
        socket_config = {"socket-type": "http", "socket-address": "127.0.0.1",
                         "socket-port": HTTP_PORT}
        socket_config.update(extra)
        return socket_config

    def test_curl_http_with_basic_authentication(self):
        # The password file contains "user:password" because no user is configured for it.
        credentials = os.path.join(self.workdir, "credentials")
        with open(credentials, "w") as out:
            out.write(f"second:{PASSWORD}\n")
        self.start(control_sockets=[
            {"socket-type": "unix", "socket-name": self.socket_path},
            self.http_socket(authentication={
                "type": "basic", "realm": "leasehold-test", "directory": self.workdir,
                "clients": [{"user": USER, "password": PASSWORD},
                            {"password-file": "credentials"}]})])
        url = f"http://127.0.0.1:{HTTP_PORT}/"
        self.wait_for_listener(url)

        status, text, code = self.curl(url, {"command": "version-get"},
                                       "--user", f"{USER}:{PASSWORD}")
        self.assertEqual((status, code), (200, 0), text)
        answer = json.loads(text)
        self.assertEqual(answer["result"], 0)
        self.assertIn("extended", answer["arguments"])

        status, text, _ = self.curl(url, {"command": "version-get"},
                                    "--user", f"second:{PASSWORD}")
        self.assertEqual(status, 200, text)

        for user, password in ((USER, "wrong"), ("nobody", PASSWORD), ("second", "")):
            with self.subTest(user=user, password=password):
                status, text, _ = self.curl(url, {"command": "version-get"},
                                            "--user", f"{user}:{password}")
                self.assertEqual(status, 401, text)
                self.assertEqual(json.loads(text)["result"], 401)

        status, text, _ = self.curl(url, {"command": "version-get"})
        self.assertEqual(status, 401, text)

        # Kea control agent's "service" list: the answer is a list, one entry per service.
        status, text, _ = self.curl(url, {"command": "list-commands", "service": ["dhcp4"]},
                                    "--user", f"{USER}:{PASSWORD}")
        self.assertEqual(status, 200, text)
        answers = json.loads(text)
        self.assertIsInstance(answers, list)
        self.assertEqual(len(answers), 1)
        self.assertEqual(answers[0]["result"], 0)
        self.assertIn("lease4-get", answers[0]["arguments"])

        status, text, _ = self.curl(url, {"command": "version-get", "service": ["dhcp6"]},
                                    "--user", f"{USER}:{PASSWORD}")
        answers = json.loads(text)
        self.assertEqual(answers[0]["result"], 1)
        self.assertIn("forwarding socket is not configured", answers[0]["text"])

    def test_curl_https_with_client_certificate(self):
        certificates = control.make_certificates(self.workdir, self.run_checked)
        self.start(control_socket={
            "socket-type": "https", "socket-address": "127.0.0.1", "socket-port": HTTPS_PORT,
            "trust-anchor": certificates["ca"], "cert-file": certificates["server"],
            "key-file": certificates["server-key"], "cert-required": True,
            "authentication": {"type": "basic", "realm": "leasehold-test",
                               "clients": [{"user": USER, "password": PASSWORD}]}})
        url = f"https://127.0.0.1:{HTTPS_PORT}/"
        client = ("--cacert", certificates["ca"], "--cert", certificates["client"],
                  "--key", certificates["client-key"])
        self.wait_for_listener(url, *client)

        status, text, code = self.curl(url, {"command": "status-get"}, *client,
                                       "--user", f"{USER}:{PASSWORD}")
        self.assertEqual((status, code), (200, 0), text)
        self.assertEqual(json.loads(text)["result"], 0)

        status, text, _ = self.curl(url, {"command": "status-get"}, *client,
                                    "--user", f"{USER}:wrong")
        self.assertEqual(status, 401, text)

        # Without a client certificate the TLS handshake fails: curl gets no HTTP answer.
        status, text, code = self.curl(url, {"command": "status-get"},
                                       "--cacert", certificates["ca"],
                                       "--user", f"{USER}:{PASSWORD}")
        self.assertEqual(status, 0, text)
        self.assertNotEqual(code, 0)

        # A client that does not trust the server's CA refuses the connection itself.
        status, _, code = self.curl(url, {"command": "status-get"}, *client[2:],
                                    "--user", f"{USER}:{PASSWORD}")
        self.assertEqual(status, 0)
        self.assertEqual(code, 60, "curl should reject the unknown certificate authority")

    def run_checked(self, argv):
        subprocess.run(argv, check=True, capture_output=True, timeout=CLIENT_TIMEOUT_SECONDS)

    def test_kea_connector_talks_to_http_listener(self):
        self.start(control_sockets=[self.http_socket(authentication={
            "type": "basic", "clients": [{"user": USER, "password": PASSWORD}]})])
        self.wait_for_listener(f"http://127.0.0.1:{HTTP_PORT}/")
        # What kea-shell does: build a CARequest and send it with send_to_control_agent.
        script = textwrap.dedent(f"""
            import base64, json, sys
            sys.path.insert(0, {KEA_CONNECTOR_DIR!r})
            from kea_conn import CARequest
            from kea_connector3 import send_to_control_agent
            request = CARequest()
            request.http_host = "127.0.0.1"
            request.http_port = {HTTP_PORT}
            request.command = sys.argv[1]
            request.service = ["dhcp4"]
            request.args = sys.argv[2]
            request.auth = base64.b64encode({f"{USER}:{PASSWORD}"!r}.encode()).decode()
            request.version = "test"
            request.generate_body()
            request.generate_headers()
            response = send_to_control_agent(request)
            print(json.dumps({{"status": response.status, "body": json.loads(response.body)}}))
        """)

        def kea_shell(command, arguments=""):
            result = self.run_in_server_namespace("python3", "-c", script, command, arguments)
            self.assertEqual(result.returncode, 0, result.stderr)
            return json.loads(result.stdout)

        reply = kea_shell("list-commands")
        self.assertEqual(reply["status"], 200)
        self.assertEqual(reply["body"][0]["result"], 0)
        self.assertIn("config-get", reply["body"][0]["arguments"])

        reply = kea_shell("lease4-add", '"ip-address": "192.0.2.150", '
                                        '"hw-address": "1a:1b:1c:1d:1e:1f"')
        self.assertEqual(reply["body"][0]["result"], 0, reply)
        reply = kea_shell("lease4-get", '"ip-address": "192.0.2.150"')
        self.assertEqual(reply["body"][0]["arguments"]["hw-address"], "1a:1b:1c:1d:1e:1f")
        reply = kea_shell("lease4-get", '"ip-address": "192.0.2.151"')
        self.assertEqual(reply["body"][0]["result"], 3)

    def test_socat_on_unix_socket(self):
        self.start(control_socket={"socket-type": "unix", "socket-name": self.socket_path})
        wait_until(lambda: os.path.exists(self.socket_path), 10, "the control socket")

        def socat(request_text):
            result = subprocess.run(
                ["socat", "-t", "5", "-", f"UNIX-CONNECT:{self.socket_path}"],
                input=request_text, capture_output=True, text=True,
                timeout=CLIENT_TIMEOUT_SECONDS)
            self.assertEqual(result.returncode, 0, result.stderr)
            return json.loads(result.stdout)

        answer = socat('{"command": "status-get"}')
        self.assertEqual(answer["result"], 0)
        self.assertIn("pid", answer["arguments"])

        answer = socat('{"command": "config-get"}\n')
        self.assertEqual(answer["result"], 0)
        sockets = answer["arguments"]["Dhcp4"]["control-socket"]
        self.assertEqual(sockets["socket-name"], self.socket_path)

        answer = socat('{"command": "statistic-get", "arguments": {"name": 5}}')
        self.assertEqual(answer["result"], 1)


if __name__ == "__main__":
    unittest.main()
