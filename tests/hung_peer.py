"""A TCP peer that accepts connections and never answers: a hung server (mail, search …).

Not a fake of any service: it speaks no protocol at all, which is what a hung process, a
stuck load balancer or a full backlog looks like to a client. Clients must give up by
their own timeouts."""

import contextlib
import socket
import threading


@contextlib.contextmanager
def hung_peer():
    """Yields (host, port) of a listening socket whose connections stay silent."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    accepted, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            accepted.append(connection)  # kept open, never read or written

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        server.close()
