"""Control API clients for system tests: the UNIX socket and HTTP(S) inside a namespace.

The server runs in a test's server namespace, whose loopback is private to the test, so an
HTTP control listener there can use a fixed port without colliding with anything else on the
machine. HTTP clients connect through Namespace.socket(), which creates the TCP socket inside
that namespace.
"""

import base64
import http.client
import json
import socket
import ssl
import time

ANSWER_TIMEOUT_SECONDS = 30.0
TIMEOUT_SECONDS = 10


def unix_command(path, request, timeout=ANSWER_TIMEOUT_SECONDS):
    """Send one request (a dict, or text sent as it is) and return the parsed answer.

    Kea's UNIX socket protocol: one JSON request, one answer, then the server closes.
    """
    return json.loads(unix_exchange(path, request, timeout))


def unix_exchange(path, request, timeout=ANSWER_TIMEOUT_SECONDS):
    """Send one request and return the answer text as the server sent it."""
    data = request if isinstance(request, (bytes, str)) else json.dumps(request)
    if isinstance(data, str):
        data = data.encode()
    client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        client.connect(path)
        client.sendall(data)
        return receive_until_close(client).decode(errors="replace")
    finally:
        client.close()


def receive_until_close(sock):
    chunks = []
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def command(socket_path, name, arguments=None):
    """Send {"command": name, "arguments": arguments} and return the decoded answer."""
    request = {"command": name}
    if arguments is not None:
        request["arguments"] = arguments
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as channel:
        channel.settimeout(TIMEOUT_SECONDS)
        channel.connect(socket_path)
        channel.sendall(json.dumps(request).encode())
        answer = b""
        while True:
            chunk = channel.recv(65536)
            if not chunk:
                break
            answer += chunk
    return json.loads(answer)


def wait_for_statistics(socket_path, expected, timeout=10):
    """Poll statistic-get-all until every statistic in expected has its value, and return all.

    Missing statistics count as 0. Raises AssertionError naming the expected and the last
    values when timeout seconds pass first.
    """
    deadline = time.monotonic() + timeout
    while True:
        current = statistics(socket_path)
        if all(current.get(name, 0) == value for name, value in expected.items()):
            return current
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout} s waiting for statistics {expected}, got "
                f"{ {name: current.get(name) for name in expected} }")
        time.sleep(0.1)


def statistics(socket_path):
    """Return {statistic name: latest value} from statistic-get-all.

    Raises AssertionError when the server answers with an error.
    """
    answer = command(socket_path, "statistic-get-all")
    if answer.get("result") != 0:
        raise AssertionError(f"statistic-get-all failed: {answer}")
    return {name: samples[0][0] for name, samples in answer["arguments"].items() if samples}


def basic_authorization(user, password):
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return f"Basic {token}"


class _NamespacedConnection(http.client.HTTPConnection):
    """An HTTP connection whose TCP socket is created inside a network namespace."""

    def __init__(self, namespace, host, port, timeout):
        super().__init__(host, port, timeout=timeout)
        self._namespace = namespace

    def connect(self):
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        self.sock = self._namespace.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect((self.host, self.port))


class _NamespacedTlsConnection(_NamespacedConnection):
    def __init__(self, namespace, host, port, timeout, context):
        super().__init__(namespace, host, port, timeout)
        self._context = context

    def connect(self):
        super().connect()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


class HttpResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


class HttpControl:
    """An HTTP(S) control client for a listener inside namespace at host:port."""

    def __init__(self, namespace, host, port, tls_context=None, timeout=ANSWER_TIMEOUT_SECONDS):
        self.namespace = namespace
        self.host = host
        self.port = port
        self.tls_context = tls_context
        self.timeout = timeout

    def connection(self):
        if self.tls_context is not None:
            return _NamespacedTlsConnection(self.namespace, self.host, self.port, self.timeout,
                                            self.tls_context)
        return _NamespacedConnection(self.namespace, self.host, self.port, self.timeout)

    def request(self, method, path="/", body=None, headers=None):
        """Send one request on a new connection and return an HttpResponse."""
        connection = self.connection()
        try:
            if body is not None and not isinstance(body, (bytes, str)):
                body = json.dumps(body)
            all_headers = {"Content-Type": "application/json"} if body is not None else {}
            all_headers.update(headers or {})
            connection.request(method, path, body=body, headers=all_headers)
            response = connection.getresponse()
            return HttpResponse(response.status, dict(response.getheaders()),
                                response.read().decode(errors="replace"))
        finally:
            connection.close()

    def command(self, request, headers=None):
        """POST a command and return the parsed answer, asserting HTTP 200."""
        response = self.request("POST", "/", request, headers)
        if response.status != 200:
            raise AssertionError(f"HTTP {response.status} for {request}: {response.body}")
        return response.json()

    def raw_socket(self):
        """Return a connected TCP socket to the listener (no TLS), for hand-made requests."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = self.namespace.socket(family, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect((self.host, self.port))
        return sock


def tls_client_context(ca_file):
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    return context


def make_certificates(directory, run):
    """Create a self-signed CA, a server certificate for 127.0.0.1 and a client certificate
    in directory with openssl, and return their paths as a dict.

    run(argv) runs a command and raises on failure. Keys are 2048-bit RSA and certificates
    are valid for one day: enough for a test run.
    """
    paths = {name: f"{directory}/{name}.pem" for name in
             ("ca", "ca-key", "server", "server-key", "client", "client-key")}
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=Leasehold test CA", "-keyout", paths["ca-key"], "-out", paths["ca"]])
    for name, subject, extension in (
            ("server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth"),
            ("client", "/CN=leasehold-test-client", "extendedKeyUsage=clientAuth")):
        request = f"{directory}/{name}.csr"
        extensions = f"{directory}/{name}.ext"
        with open(extensions, "w") as out:
            out.write(extension + "\n")
        run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject,
             "-keyout", paths[f"{name}-key"], "-out", request])
        run(["openssl", "x509", "-req", "-in", request, "-CA", paths["ca"],
             "-CAkey", paths["ca-key"], "-CAcreateserial", "-days", "1",
             "-extfile", extensions, "-out", paths[name]])
    return paths
