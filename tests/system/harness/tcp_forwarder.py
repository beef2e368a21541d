"""A TCP forwarder that lets server processes inside a network namespace reach a database
listening on the test's own loopback.

A namespace has a loopback of its own, so a node started there cannot connect to 127.0.0.1 of
the namespace the test runs in, where the database servers listen. The forwarder listens on
127.0.0.1:<port> inside the namespace (the socket is created there; see Namespace.socket) and
copies each accepted connection's bytes to and from a new connection to 127.0.0.1:<target
port> in the test's namespace. Both ends are loopback addresses, so no traffic leaves the
machine.

When the target refuses a connection (the database is stopped) the accepted connection is
closed at once, so a client sees the server close it during start-up; when either side closes,
the other is closed too, as a server crash or shutdown would.
"""

import selectors
import socket
import threading

BUFFER_BYTES = 65536


class TcpForwarder:
    """Forwards connections from 127.0.0.1:listen_port in namespace to 127.0.0.1:target_port.

    One thread serves every connection through a selector. Use as a context manager or call
    close(), which closes every connection and is safe to call twice.
    """

    def __init__(self, namespace, target_port, listen_port=None):
        self.target_port = target_port
        self.listener = namespace.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", listen_port or target_port))
        self.listener.listen(256)
        self.listener.setblocking(False)
        self.port = self.listener.getsockname()[1]
        self.connections = 0          # accepted connections
        self.refused = 0              # accepted connections the target refused
        self._selector = selectors.DefaultSelector()
        self._selector.register(self.listener, selectors.EVENT_READ, None)
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._selector.register(self._wake_reader, selectors.EVENT_READ, "wake")
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name=f"forward-{self.port}", daemon=True)
        self._thread.start()

    def close(self):
        if self._thread is None:
            return
        self._stopping = True
        self._wake_writer.send(b"x")
        self._thread.join(timeout=10)
        self._thread = None
        for key in list(self._selector.get_map().values()):
            key.fileobj.close()
        self._selector.close()
        self._wake_writer.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _run(self):
        while not self._stopping:
            for key, _ in self._selector.select(timeout=1.0):
                if key.data == "wake":
                    continue
                if key.data is None:
                    self._accept()
                else:
                    self._copy(key.fileobj, key.data)

    def _accept(self):
        try:
            client, _ = self.listener.accept()
        except BlockingIOError:
            return
        self.connections += 1
        upstream = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        upstream.settimeout(5)
        try:
            upstream.connect(("127.0.0.1", self.target_port))
        except OSError:
            self.refused += 1
            upstream.close()
            client.close()
            return
        for one in (client, upstream):
            one.setblocking(False)
            one.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The data of each registration is the socket that its bytes are copied to.
        self._selector.register(client, selectors.EVENT_READ, upstream)
        self._selector.register(upstream, selectors.EVENT_READ, client)

    def _copy(self, source, destination):
        try:
            data = source.recv(BUFFER_BYTES)
            if data:
                # Database messages are small next to the socket buffers, so a blocking send
                # of the rest is short and keeps the copy in order.
                destination.setblocking(True)
                destination.settimeout(10)
                destination.sendall(data)
                destination.setblocking(False)
                return
        except BlockingIOError:
            return
        except OSError:
            pass
        self._drop(source, destination)

    def _drop(self, *sockets):
        for one in sockets:
            try:
                self._selector.unregister(one)
            except (KeyError, ValueError):
                pass
            one.close()
