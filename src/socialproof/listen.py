"""Check that a host and port can be listened on before starting a server."""

from __future__ import annotations

import socket

from socialproof.errors import UsageError


def check_listen(host: str, port: int) -> None:
    """Raise a one-line :class:`UsageError` unless ``host:port`` can be bound now."""
    if not 0 <= port <= 65535:
        raise UsageError(f"Port {port} is out of range.", hint="Pass a --port from 1024 to 65535.")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UsageError(
            f"Cannot listen on {host!r}: not an address of this computer.",
            hint="Leave --host out to use 127.0.0.1.",
        ) from None
    family, kind, proto, _, address = infos[0]
    try:
        with socket.socket(family, kind, proto) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(address)
    except OSError as exc:
        raise UsageError(
            f"Cannot listen on {host}:{port}: {exc.strerror or exc}.",
            hint="Pass another --port, or leave --host out to use 127.0.0.1.",
        ) from None
