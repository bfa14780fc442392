"""A TCP forwarding proxy on loopback for the tests: a process of the application reaches a
service (PostgreSQL, Redis, the object store) through it, and the test makes the service go away
for that process, and come back, without touching the real service (other work shares it).

    proxy = TcpProxy(("127.0.0.1", 5432))   # listens on 127.0.0.1:proxy.port
    proxy.start()
    proxy.stop()    # the listener closed (a connect is refused) and every forwarded connection
                    # closed: to the process, the service is gone
    proxy.start()   # the same port again: the service is back
    proxy.hang()    # every forwarded connection closed, the listener kept but never served: a
                    # connect succeeds (the kernel's backlog), then no byte ever comes back, as
                    # from a service that is hung or a host that is overloaded
    proxy.start()   # served again

One thread per proxy, a selector over the listener and every connection: nothing here blocks for
long (a send waits at most ``SEND_TIMEOUT``)."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time

SEND_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0


class TcpProxy:
    def __init__(self, upstream: tuple[str, int], port: int = 0) -> None:
        self.upstream = upstream
        self.port = port  # 0: a free one, chosen at the first start and kept for the next ones
        self.connections = 0  # accepted so far, over every start
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._hanging = threading.Event()
        self._hung = threading.Event()  # the thread has closed the connections and stopped serving
        self._listener: socket.socket | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.running and self._hanging.is_set():
            self._hanging.clear()
            return
        assert not self.running, "already running"
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.setblocking(False)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=f"tcp-proxy-{self.port}", daemon=True)
        self._thread.start()

    def hang(self) -> None:
        """Returns when every forwarded connection is closed and nothing more is served."""
        assert self.running, "not running"
        self._hung.clear()
        self._hanging.set()
        assert self._hung.wait(timeout=10), "the proxy thread did not hang"

    def stop(self) -> None:
        """Returns when the listener and every connection are closed."""
        if self._thread is None:
            return
        self._hanging.clear()
        self._stopping.set()
        self._thread.join(timeout=10)
        assert not self._thread.is_alive(), "the proxy thread did not stop"
        self._thread = None

    def _serve(self) -> None:
        selector = selectors.DefaultSelector()
        assert self._listener is not None
        selector.register(self._listener, selectors.EVENT_READ, None)
        peers: dict[socket.socket, socket.socket] = {}

        def close(sock: socket.socket) -> None:
            for one in (sock, peers.pop(sock, None)):
                if one is None:
                    continue
                peers.pop(one, None)
                with contextlib.suppress(KeyError, ValueError):
                    selector.unregister(one)
                with contextlib.suppress(OSError):
                    one.close()

        try:
            while not self._stopping.is_set():
                if self._hanging.is_set():
                    for sock in list(peers):
                        close(sock)
                    self._hung.set()
                    time.sleep(0.05)
                    continue
                for key, _ in selector.select(timeout=0.05):
                    sock = key.fileobj
                    if sock is self._listener:
                        self._accept(selector, peers)
                        continue
                    try:
                        data = sock.recv(65536)
                    except OSError:
                        data = b""
                    peer = peers.get(sock)
                    if not data or peer is None:
                        close(sock)
                        continue
                    try:
                        peer.sendall(data)
                    except OSError:
                        close(sock)
        finally:
            for sock in list(peers):
                close(sock)
            selector.close()
            with contextlib.suppress(OSError):
                self._listener.close()
            self._listener = None

    def _accept(self, selector: selectors.BaseSelector, peers: dict) -> None:
        assert self._listener is not None
        try:
            client, _ = self._listener.accept()
        except (BlockingIOError, InterruptedError):
            return
        try:
            server = socket.create_connection(self.upstream, timeout=CONNECT_TIMEOUT)
        except OSError:
            client.close()  # the real service is down: so is the proxy's answer
            return
        self.connections += 1
        for sock in (client, server):
            sock.settimeout(SEND_TIMEOUT)  # recv only after the selector says so; sendall bounded
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        peers[client], peers[server] = server, client
        selector.register(client, selectors.EVENT_READ, None)
        selector.register(server, selectors.EVENT_READ, None)
