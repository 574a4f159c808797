"""`companion serve`: the same TUI in a browser, through textual-serve.

Each browser connection runs its own companion process; they all share the saved progress
(the atomic state file), so a change in one is seen by the next connection.

By default it listens on loopback only. Another address must be asked for with ``--host`` and
prints a one-line warning. Ctrl+C stops the server and every app it runs, quietly; an address
that cannot be listened on (a port in use, say) is one line and exit 1.

The server only answers requests addressed to it: on loopback the page and the websocket take
only a loopback ``Host`` (no DNS-rebinding), and the websocket only a same-origin page (so a
web page from elsewhere cannot drive the companion through the browser).
"""
from __future__ import annotations

import errno
import ipaddress
import os
import shlex
import signal
import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

TITLE = "Run Away — companion"
APP_QUIT_TIMEOUT = 5.0  # seconds an app gets to quit when the server stops
_LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost", "ip6-loopback"}


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_unspecified(host: str) -> bool:
    if not host:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def bind_problem(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (one line), or None if it can."""
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"cannot listen on {host!r}: {exc.strerror or exc}"
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            return _os_error_line(exc, host, port)
    return None


def _os_error_line(exc: OSError, host: str, port: int) -> str:
    where = f"{_url_host(host)}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return f"port {port} on {host} is already in use — pick another with --port"
    if exc.errno == errno.EACCES:
        return (f"not allowed to listen on {where} (ports below 1024 need privileges) — "
                "pick another with --port")
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {where}: {host} is not an address of this machine"
    return f"cannot listen on {where}: {exc.strerror or exc}"


def _server_class():
    """textual-serve's Server, made quiet, safe on loopback, and right behind any address."""
    import asyncio
    import logging

    from aiohttp import web
    from textual_serve.app_service import AppService
    from textual_serve.server import Server, log, to_int

    async def _end_app(service) -> None:
        for _ in range(50):  # a connection made just now may still be starting its app
            if service._process is not None:
                break
            await asyncio.sleep(0.02)
        process = service._process
        if process is None or process.returncode is not None:
            return
        await service.send_meta({"type": "quit"})
        try:
            await asyncio.wait_for(process.wait(), APP_QUIT_TIMEOUT)
        except asyncio.TimeoutError:
            process.kill()
            await process.wait()

    class CompanionServer(Server):
        def __init__(self, *args, on_ready, loopback_only: bool, **kwargs):
            super().__init__(*args, **kwargs)
            self._on_ready = on_ready
            self._loopback_only = loopback_only
            self._services: set = set()

        def initialize_logging(self) -> None:
            super().initialize_logging()
            # one line per asset request is noise for a personal server; errors still show
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_startup(self, app) -> None:  # no banner: serve() prints one line once bound
            pass

        def _allowed_host(self, request) -> bool:
            if not self._loopback_only:
                return True
            name = urlsplit(f"//{request.host}").hostname or ""
            return _is_loopback(name)

        async def handle_index(self, request):
            if not self._allowed_host(request):
                raise web.HTTPForbidden(text="companion: this server answers on loopback only")
            # the page's websocket address is where this browser reached us (not the bind
            # address, which is useless from elsewhere for 0.0.0.0 and unbracketed for IPv6);
            # the template reads it synchronously, so no other request can interleave
            self.public_url = f"{request.scheme}://{request.host}"
            return await super().handle_index(request)

        async def handle_websocket(self, request):
            origin = request.headers.get("Origin")
            if not self._allowed_host(request) or (
                    origin is not None and urlsplit(origin).netloc.lower() != request.host.lower()):
                raise web.HTTPForbidden(text="companion: cross-origin connection refused")
            # Server.handle_websocket, but keeping each connection's app, for on_shutdown
            websocket = web.WebSocketResponse(heartbeat=15)
            width = to_int(request.query.get("width", "80"), 80)
            height = to_int(request.query.get("height", "24"), 24)
            app_service = None
            try:
                await websocket.prepare(request)
                app_service = AppService(
                    self.command, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                    close=websocket.close, download_manager=self.download_manager,
                    debug=self.debug)
                self._services.add(app_service)
                await app_service.start(width, height)
                try:
                    await self._process_messages(websocket, app_service)
                finally:
                    await app_service.stop()
            except asyncio.CancelledError:
                await websocket.close()
            except Exception as error:
                log.exception(error)
            finally:
                if app_service is not None:
                    await app_service.stop()
                    self._services.discard(app_service)
            return websocket

        async def on_shutdown(self, app) -> None:
            """Ctrl+C: end every connection's app and wait for it (else its process outlives
            the event loop, and Python complains about it on the way out)."""
            await asyncio.gather(*(_end_app(s) for s in list(self._services)),
                                 return_exceptions=True)

        def serve(self, debug: bool = False) -> None:
            """Server.serve, but it says where it is only once it is really listening."""
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                loop.add_signal_handler(signal.SIGINT, self.request_exit)
                loop.add_signal_handler(signal.SIGTERM, self.request_exit)
            except NotImplementedError:  # pragma: no cover - Windows
                pass
            try:
                web.run_app(self._make_app(), host=self.host, port=self.port,
                            handle_signals=False, loop=loop,
                            print=lambda *_args: self._on_ready())
            finally:
                loop.close()

    return CompanionServer


def _ready_line(host: str, port: int) -> str:
    if _is_unspecified(host):
        return (f"Serving the companion on every address of this machine, port {port}: "
                f"http://localhost:{port} here (Ctrl+C stops it)")
    return f"Serving the companion on http://{_url_host(host)}:{port} (Ctrl+C stops it)"


def _child_command(pack_dir: str | None, position=None) -> str:
    """The shell command textual-serve runs for each browser connection.

    exec: the shell becomes the app, so stopping it stops the app. SIGINT is ignored from the
    start (trap) and again once the app is done (_app_main): Ctrl+C in the server's terminal
    reaches every process in its group, and an app just starting or just ending would die of
    it with a traceback. While it runs, Textual's web driver handles SIGINT by quitting; the
    server stops its apps itself in any case.
    """
    app = (f"{shlex.quote(sys.executable)} -c "
           "'import sys; from runaway_companion.serve import _app_main; sys.exit(_app_main())'")
    if pack_dir:
        app += f" --pack {shlex.quote(str(Path(pack_dir).resolve()))}"
    if position is not None:  # each connection opens there (asking first if far ahead)
        app += f" --episode {int(position.episode)} --at {shlex.quote(position.checkpoint)}"
    return f"trap '' INT; exec {app}" if os.name == "posix" else app


def _app_main() -> int:
    """One browser connection's app: `companion [--pack DIR] [--episode N --at C]`."""
    from runaway_companion.cli import main

    try:
        return main(sys.argv[1:])
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def serve(host: str = "127.0.0.1", port: int = 8000, pack_dir: str | None = None,
          position=None) -> int:
    if not 0 < port < 65536:
        print(f"companion: error: port {port} is out of range (1-65535)", file=sys.stderr)
        return 2
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        print("companion: error: serving needs the 'serve' extra — pipx install --force "
              "'runaway-companion[serve]', uv tool install 'runaway-companion[serve]', or "
              "pip install 'runaway-companion[serve]'", file=sys.stderr)
        return 1
    # a bad pack is reported here, once, not in every browser that connects
    from runaway_companion.pack import load_pack

    load_pack(pack_dir)
    problem = bind_problem(host, port)
    if problem:
        print(f"companion: error: {problem}", file=sys.stderr)
        return 1
    loopback = _is_loopback(host)
    if not loopback:
        print(f"companion: warning: serving on {host or 'every address'} — anyone on that "
              "network can open it", file=sys.stderr, flush=True)
    server = _server_class()(
        _child_command(pack_dir, position), host=host or None, port=port, title=TITLE,
        on_ready=lambda: print(_ready_line(host, port), flush=True), loopback_only=loopback)
    try:
        server.serve()
    except OSError as exc:  # lost a race for the port after the check above
        print(f"companion: error: {_os_error_line(exc, host, port)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0

