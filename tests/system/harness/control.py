"""Kea-style control commands over a server's UNIX control socket."""

import json
import socket

TIMEOUT_SECONDS = 10


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


def statistics(socket_path):
    """Return {statistic name: latest value} from statistic-get-all.

    Raises AssertionError when the server answers with an error.
    """
    answer = command(socket_path, "statistic-get-all")
    if answer.get("result") != 0:
        raise AssertionError(f"statistic-get-all failed: {answer}")
    return {name: samples[0][0] for name, samples in answer["arguments"].items() if samples}
