"""`companion serve`: the same TUI in a browser, through textual-serve.

Each browser connection (a *session*) runs its own companion process, started as
``python -m runaway_companion``; they all share the saved progress (the atomic state file), so a
change in one is seen by the next session.

What stands between the server and anyone else (docs/security.md lists each with its test):

- **A per-run secret.** The address it prints carries a token (``/?token=…``, as Jupyter's
  does), new on every start. The page and the websocket refuse a request without it (a
  constant-time comparison) with a 403 page that says what to open; after the first good
  request a cookie (this port's own, HttpOnly, SameSite=Strict) carries it, so a reload works.
- **Only its own names.** Whatever address it listens on (``--host 0.0.0.0`` too), a request
  must name this machine in its ``Host``: a loopback name or address, the host name, the address
  it listens on or was reached at, an address of one of its interfaces (no DNS rebinding). The
  websocket also takes only a page of its own origin.
- **Bounds.** At most ``--max-sessions`` sessions at once (default 4): the next page is a "too
  many open sessions" page that tries again by itself, the next websocket is closed saying so,
  and nothing is started for it. A session's terminal is at most 500×200, whatever it asks for.
  A malformed message from a browser is one line in the server's terminal, never a traceback.
- **Stopping.** Ctrl+C (or SIGTERM, SIGHUP) ends every session (each app is asked to quit, and
  killed if it has not within a few seconds) and exits 0, quietly; a second Ctrl+C changes
  nothing. The apps run in their own sessions, so the terminal's Ctrl+C never reaches them
  half-started or half-stopped; the server ends them itself.

By default it listens on loopback only; another address must be asked for with ``--host`` and
prints a one-line warning. An address that cannot be listened on (a port in use, say) is one
line and exit 1.
"""
from __future__ import annotations

import errno
import hmac
import html
import ipaddress
import json
import os
import secrets
import signal
import socket
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

TITLE = "Run Away — companion"
APP_QUIT_TIMEOUT = 5.0  # seconds an app gets to quit when its session or the server ends
DEFAULT_MAX_SESSIONS = 4  # a household's browsers, not a crowd's
MAX_WIDTH, MAX_HEIGHT = 500, 200  # cells: a wall-sized screen, not a 296 MB app
MAX_MALFORMED = 20  # malformed messages a session may send before it is closed
MAX_MESSAGE = 1 << 20  # bytes in one websocket message (keys and sizes are a few bytes)
SLOT_WAIT = 2.0  # seconds a new websocket waits for a closing session's slot (a page reload)
SHUTDOWN_TIMEOUT = 3.0  # seconds aiohttp waits for handlers once every session has ended
_LOOPBACK_NAMES = {"localhost", "localhost.", "ip6-localhost", "ip6-loopback"}


# --- addresses --------------------------------------------------------------------------------

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


def _normal(name: str) -> str:
    """A host name or address in one spelling: lower case, no brackets, no trailing dot, an
    address compressed (and an IPv4-mapped IPv6 address as its IPv4 address)."""
    name = name.strip().strip("[]").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return name
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def _interface_addresses() -> set[str]:
    """This machine's interface addresses, where they can be listed cheaply (no DNS)."""
    found: set[str] = set()
    if not sys.platform.startswith("linux"):  # pragma: no cover - the sockname check remains
        return found
    try:
        import fcntl
        import struct

        names = [name for _index, name in socket.if_nameindex()]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            for name in names:
                try:  # SIOCGIFADDR: the interface's IPv4 address
                    packed = fcntl.ioctl(probe.fileno(), 0x8915,
                                         struct.pack("256s", name.encode()[:15]))
                except OSError:
                    continue
                found.add(socket.inet_ntoa(packed[20:24]))
    except (OSError, ImportError):
        pass
    try:
        with open("/proc/net/if_inet6", encoding="ascii") as table:
            for line in table:
                fields = line.split()
                if fields:
                    found.add(str(ipaddress.IPv6Address(int(fields[0], 16))))
    except (OSError, ValueError):
        pass
    return found


def local_names(bind_host: str | None) -> frozenset[str]:
    """Every name a request may give in its ``Host`` (besides the address it reached).

    The machine's own names and addresses, whatever it listens on: loopback, the host name
    (and its ``.local`` name), the address listened on, the interfaces' addresses. A name that
    only some DNS server says is this machine is not among them: that is DNS rebinding.
    """
    names = {_normal(n) for n in _LOOPBACK_NAMES} | {"127.0.0.1", "::1"}
    if bind_host and not _is_unspecified(bind_host):
        names.add(_normal(bind_host))
    try:
        hostname = socket.gethostname()
    except OSError:  # pragma: no cover
        hostname = ""
    if hostname:
        short = _normal(hostname).split(".", 1)[0]
        names.update({_normal(hostname), short, f"{short}.local"})
    names.update(_normal(a) for a in _interface_addresses())
    return frozenset(n for n in names if n)


def host_allowed(host_header: str | None, allowed: frozenset[str],
                 reached_at: str | None = None) -> bool:
    """Does a request's ``Host`` name this machine? ``reached_at``: the local address the
    request's connection was accepted on (an address literal equal to it is this machine)."""
    if not host_header:
        return False
    try:
        name = urlsplit(f"//{host_header}").hostname
    except ValueError:
        return False
    if not name:
        return False
    name = _normal(name)
    if name in allowed or _is_loopback(name):
        return True
    return reached_at is not None and name == _normal(reached_at)


def same_origin(origin: str | None, host_header: str | None) -> bool:
    """A websocket's ``Origin`` is this page's own (no Origin: not a browser, allowed)."""
    if origin is None:
        return True
    try:
        netloc = urlsplit(origin).netloc
    except ValueError:
        return False
    return bool(netloc) and bool(host_header) and netloc.lower() == host_header.lower()


def token_matches(given: str | None, token: str) -> bool:
    """``given`` is the run's token (compared in constant time; anything else is no)."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode("utf-8"))


# --- what a browser sends -----------------------------------------------------------------------

class Malformed(ValueError):
    """A websocket message that is not one textual.js sends: why, in a few words."""


def clamp_size(width: Any, height: Any, default: tuple[int, int] = (80, 24)) -> tuple[int, int]:
    """A terminal size a session may have: whole numbers, 1..MAX_WIDTH × 1..MAX_HEIGHT."""
    def number(value: Any, fallback: int) -> int:
        if isinstance(value, bool):
            return fallback
        if isinstance(value, str):
            text = value.strip()
            if not (text.isascii() and text.lstrip("-").isdigit()) or len(text) > 12:
                return fallback
            value = int(text)
        if not isinstance(value, int):
            return fallback
        return value

    w, h = number(width, default[0]), number(height, default[1])
    return max(1, min(w, MAX_WIDTH)), max(1, min(h, MAX_HEIGHT))


def _shown(value: Any, limit: int = 40) -> str:
    """A value quoted in a terminal line: escaped (repr), and cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def parse_message(text: str) -> tuple[str, Any]:
    """A text message from textual.js as (kind, data); raises :class:`Malformed`.

    ``stdin`` data is its bytes; a ``resize`` is clamped (:func:`clamp_size`).
    """
    try:
        envelope = json.loads(text)
    except (ValueError, RecursionError):
        raise Malformed("not JSON") from None
    if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
        raise Malformed("not a [type, data] list")
    kind = envelope[0]
    if kind in ("focus", "blur"):
        return kind, None
    if kind not in ("stdin", "resize", "ping"):
        raise Malformed(f"unknown type {_shown(kind)}")
    if len(envelope) < 2:
        raise Malformed(f"{kind} without its data")
    data = envelope[1]
    if kind == "stdin":
        if not isinstance(data, str):
            raise Malformed("stdin data is not text")
        try:
            return kind, data.encode("utf-8")
        except UnicodeEncodeError:
            raise Malformed("stdin text is not valid Unicode") from None
    if kind == "resize":
        if not isinstance(data, dict) or not {"width", "height"} <= data.keys():
            raise Malformed("resize without a width and a height")
        if not all(isinstance(data[k], int) and not isinstance(data[k], bool)
                   for k in ("width", "height")):
            raise Malformed("resize with a size that is not whole numbers")
        return kind, clamp_size(data["width"], data["height"])
    return kind, data  # ping: echoed back as the pong


# --- refusing, in a page --------------------------------------------------------------------------

def _page(status: int, heading: str, text: str, retry: int | None = None):
    from aiohttp import web

    refresh = f'<meta http-equiv="refresh" content="{retry}">' if retry else ""
    body = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">" + refresh +
            f"<title>companion: {html.escape(heading, quote=False)}</title></head>\n"
            "<body style=\"font-family: sans-serif; max-width: 40em; margin: 3em auto\">"
            f"<h1>{html.escape(heading, quote=False)}</h1>\n<p>{html.escape(text, quote=False)}</p></body></html>\n")
    response = web.Response(status=status, text=body, content_type="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


NO_TOKEN = ("This companion needs its key",
            "Open the address 'companion serve' printed when it started: it ends in ?token=…. "
            "The key is new each time the server starts, so an old link no longer works.")
NOT_THIS_MACHINE = ("This companion answers only to its own machine's names",
                    "The address you used does not name this machine. Open the address "
                    "'companion serve' printed.")
CROSS_ORIGIN = ("Cross-origin connection refused",
                "Only the companion's own page may connect to it.")
TOO_MANY = "Too many open sessions"


def _too_many_text(limit: int) -> str:
    return (f"{limit} companion session{'s are' if limit != 1 else ' is'} open already (the "
            f"most this server takes, --max-sessions {limit}). Close another companion tab; "
            "this page tries again every few seconds.")


# --- the server -------------------------------------------------------------------------------------

def child_argv(pack_dir: str | None, position=None, together: str | None = None) -> list[str]:
    """What each session runs: ``python -m runaway_companion [--pack DIR] [--episode N --at C]
    [--together A,B]`` (a session opens at that position, asking first if that is far ahead;
    together, at the earliest of those profiles). ``--profile`` reaches it as
    $COMPANION_PROFILE, which every session inherits."""
    argv = [sys.executable, "-m", "runaway_companion"]
    if pack_dir:
        # a folder by its full path (the app may start elsewhere); a shipped pack by its name
        argv += ["--pack", str(Path(pack_dir).resolve()) if os.path.isdir(pack_dir) else pack_dir]
    if position is not None:
        argv += ["--episode", str(int(position.episode)), "--at", str(position.checkpoint)]
    if together:
        argv += ["--together", together]
    return argv


def _say(line: str) -> None:
    """One line in the server's terminal (a refusal, a malformed message)."""
    try:
        print(f"companion: {line}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # pragma: no cover - a closed terminal
        pass


class _Session:
    """One browser connection: its websocket and its app (once started)."""

    __slots__ = ("service", "websocket", "ending")

    def __init__(self) -> None:
        self.service = None
        self.websocket = None
        self.ending = None


def _server_class():
    """textual-serve's Server, with the lock on the door, the bounds, and a quiet stop."""
    import asyncio
    import logging

    from aiohttp import WSCloseCode, WSMsgType, web
    from aiohttp.web_runner import GracefulExit
    from textual_serve.app_service import AppService
    from textual_serve.server import Server

    class CompanionApp(AppService):
        """One session's app, run without a shell, in a session of its own (the terminal's
        Ctrl+C is the server's to handle)."""

        def __init__(self, argv: list[str], **kwargs) -> None:
            super().__init__(" ".join(argv), **kwargs)
            self.argv = argv

        async def _open_app_process(self, width: int = 80, height: int = 24):
            self._process = process = await asyncio.create_subprocess_exec(
                *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE, env=self._build_environment(width, height),
                start_new_session=True)
            self._stdin = process.stdin
            return process

    class CompanionServer(Server):
        def __init__(self, argv: list[str], *, host: str | None, port: int, on_ready,
                     max_sessions: int, token: str) -> None:
            super().__init__(" ".join(argv), host=host, port=port, title=TITLE)
            self.argv = argv
            self.token = token
            self.max_sessions = max_sessions
            self.cookie_name = f"companion-token-{port}"  # cookies are per host, not per port
            self.allowed = local_names(host)
            self._on_ready = on_ready
            self._sessions: set[_Session] = set()
            self._stopping = False
            self._said_full = float("-inf")

        # --- logging and start-up ---

        def initialize_logging(self) -> None:
            super().initialize_logging()
            # one line per asset request is noise for a personal server; errors still show
            logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

        async def on_startup(self, app) -> None:  # no banner: serve() prints one line once bound
            pass

        async def _make_app(self):
            app = await super()._make_app()

            @web.middleware
            async def guard(request, handler):
                return await self._guard(request, handler)

            app.middlewares.append(guard)
            return app

        # --- the door ---

        async def _guard(self, request, handler):
            """Every request: this machine's name; every request but the page's own assets:
            the token. A handler's error is one line, never a traceback."""
            host = request.headers.get("Host")
            sockname = request.transport.get_extra_info("sockname") if request.transport else None
            reached = sockname[0] if isinstance(sockname, tuple) and sockname else None
            if not host_allowed(host, self.allowed, reached):
                _say(f"refused a request for {_shown(host)}: not a name of this machine")
                return _page(403, *NOT_THIS_MACHINE)
            if request.path.startswith("/static/"):  # textual-serve's own scripts and fonts
                return await handler(request)
            given = request.query.get("token")
            from_query = given is not None
            if not from_query:
                given = request.cookies.get(self.cookie_name)
            if not token_matches(given, self.token):
                if request.path in ("/", "/ws") or request.path.startswith("/download/"):
                    # (a browser's own asks, like /favicon.ico, are refused without a word)
                    _say(f"refused a request for {_shown(request.path)}: "
                         f"{'a wrong' if given else 'no'} token")
                return _page(403, *NO_TOKEN)
            try:
                response = await handler(request)
            except web.HTTPException:
                raise
            except Exception as error:  # noqa: BLE001 - a bug: one line, the request fails
                _say(f"a request for {_shown(request.path)} failed: "
                     f"{type(error).__name__}: {_shown(str(error), 120)}")
                return _page(500, "Something went wrong", "The companion server could not "
                             "answer that request; its terminal says why.")
            if from_query and not isinstance(response, web.WebSocketResponse) \
                    and not response.prepared:
                response.set_cookie(self.cookie_name, self.token, httponly=True,
                                    samesite="Strict", path="/")
            return response

        def _full(self) -> bool:
            return len(self._sessions) >= self.max_sessions

        async def handle_index(self, request):
            if self._full():
                now = asyncio.get_running_loop().time()
                if now - self._said_full > 60:  # (the refusal page asks again every 5 s)
                    self._said_full = now
                    _say(f"refused a page: {len(self._sessions)} sessions are open "
                         f"(--max-sessions {self.max_sessions})")
                return _page(503, TOO_MANY, _too_many_text(self.max_sessions), retry=5)
            # the page's websocket address is where this browser reached us (not the bind
            # address, which is useless from elsewhere for 0.0.0.0 and unbracketed for IPv6);
            # the template reads it synchronously, so no other request can interleave
            self.public_url = f"{request.scheme}://{request.headers['Host']}"
            return await super().handle_index(request)

        # --- sessions ---

        async def handle_websocket(self, request):
            if not same_origin(request.headers.get("Origin"), request.headers.get("Host")):
                _say(f"refused a connection from the page of {_shown(request.headers['Origin'])}")
                return _page(403, *CROSS_ORIGIN)
            if self._stopping:
                return _page(503, "Stopping", "The companion server is stopping.")
            width, height = clamp_size(request.query.get("width", "80"),
                                       request.query.get("height", "24"))
            loop = asyncio.get_running_loop()
            deadline = loop.time() + SLOT_WAIT  # a reloaded page's old session is closing
            while self._full() and loop.time() < deadline:
                await asyncio.sleep(0.05)
            websocket = web.WebSocketResponse(heartbeat=15, timeout=2.0,
                                              max_msg_size=MAX_MESSAGE)
            if self._full() or self._stopping:
                await websocket.prepare(request)
                _say(f"refused a session: {len(self._sessions)} are open "
                     f"(--max-sessions {self.max_sessions})")
                await websocket.close(code=WSCloseCode.TRY_AGAIN_LATER,
                                      message=f"too many open sessions ({self.max_sessions})"
                                      .encode())
                return websocket
            session = _Session()
            self._sessions.add(session)  # (no await since the check: the slot is ours)
            session.websocket = websocket
            try:
                await websocket.prepare(request)
                session.service = CompanionApp(
                    self.argv, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                    close=websocket.close, download_manager=self.download_manager,
                    debug=self.debug)
                await session.service.start(width, height)
                if not self._stopping:
                    await self._process_messages(websocket, session.service)
            except asyncio.CancelledError:
                pass
            except Exception as error:  # noqa: BLE001 - a lost connection, a dead app
                _say(f"a session ended on an error: {type(error).__name__}: "
                     f"{_shown(str(error), 120)}")
            finally:
                try:
                    await asyncio.shield(self._end(session))
                except asyncio.CancelledError:
                    pass
                self._sessions.discard(session)
            return websocket

        async def _process_messages(self, websocket, app_service) -> None:
            """Server._process_messages, but a malformed message is one line and is ignored
            (a session sending many is closed), and a resize is bounded."""
            bad = 0
            async for message in websocket:
                if message.type == WSMsgType.TEXT:
                    try:
                        kind, data = parse_message(message.data)
                    except Malformed as why:
                        problem = str(why)
                    else:
                        if kind == "stdin":
                            await app_service.send_bytes(data)
                        elif kind == "resize":
                            await app_service.set_terminal_size(*data)
                        elif kind == "ping":
                            await websocket.send_json(["pong", data])
                        elif kind == "blur":
                            await app_service.blur()
                        elif kind == "focus":
                            await app_service.focus()
                        continue
                elif message.type == WSMsgType.BINARY:
                    problem = "a binary message"
                elif message.type == WSMsgType.ERROR:
                    _say("closed a session: its browser sent a broken websocket frame "
                         f"({_shown(str(websocket.exception()), 80)})")
                    return
                else:  # pragma: no cover - aiohttp ends the loop on a close itself
                    return
                bad += 1
                _say(f"ignored a malformed message from a browser: {problem}")
                if bad >= MAX_MALFORMED:
                    _say(f"closed a session after {bad} malformed messages")
                    await websocket.close(code=WSCloseCode.POLICY_VIOLATION,
                                          message=b"malformed messages")
                    return

        async def _end(self, session: _Session) -> None:
            """End a session's app, once, in bounded time (quit; killed if it will not)."""
            if session.ending is None:
                session.ending = asyncio.ensure_future(self._end_now(session))
            await session.ending

        async def _end_now(self, session: _Session) -> None:
            service = session.service
            if service is None:
                return
            for _ in range(50):  # a session started just now may still be starting its app
                if service._process is not None:
                    break
                await asyncio.sleep(0.02)
            process = service._process
            if process is not None and process.returncode is None:
                await service.send_meta({"type": "quit"})
                try:
                    await asyncio.wait_for(process.wait(), APP_QUIT_TIMEOUT)
                except asyncio.TimeoutError:
                    try:
                        process.kill()
                    except ProcessLookupError:  # pragma: no cover - it just ended
                        pass
                    await process.wait()
            task, service._task = service._task, None
            if task is not None:  # it reads the app's output to its end, then says its errors
                try:
                    await asyncio.wait_for(task, 2.0)
                except (Exception, asyncio.TimeoutError):  # noqa: BLE001 - the app is gone
                    pass
            if process is not None and process.stdin is not None:
                process.stdin.close()
            await self.download_manager.cancel_app_downloads(
                app_service_id=service.app_service_id)

        async def on_shutdown(self, app) -> None:
            """Stopping: end every session's app and wait for it (else it would outlive the
            server), then close each websocket, so no handler is left waiting for a browser."""
            self._stopping = True
            sessions = list(self._sessions)
            await asyncio.gather(*(self._end(s) for s in sessions), return_exceptions=True)
            for session in sessions:
                websocket = session.websocket
                if websocket is not None and websocket.prepared and not websocket.closed:
                    try:
                        await websocket.close(code=WSCloseCode.GOING_AWAY,
                                              message=b"the companion server stopped")
                    except Exception:  # noqa: BLE001 - a browser already gone
                        pass

        def _stop(self) -> None:
            """Ctrl+C, SIGTERM, SIGHUP: the first stops the server; any later one does nothing
            (the sessions are being ended already; a second GracefulExit would be a traceback)."""
            if self._stopping:
                return
            self._stopping = True
            raise GracefulExit()

        def serve(self, debug: bool = False) -> None:
            """Server.serve, but it says where it is only once it is really listening."""
            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            try:
                for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
                    if sig is not None:
                        loop.add_signal_handler(sig, self._stop)
            except NotImplementedError:  # pragma: no cover - Windows
                pass
            try:
                web.run_app(self._make_app(), host=self.host, port=self.port,
                            handle_signals=False, loop=loop, shutdown_timeout=SHUTDOWN_TIMEOUT,
                            print=lambda *_args: self._on_ready())
            finally:
                loop.close()  # (this puts Python's own SIGINT handler back: not wanted now)
                signal.signal(signal.SIGINT, signal.SIG_IGN)

    return CompanionServer


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


def ready_line(host: str, port: int, token: str) -> str:
    """The one line serve prints once it listens: where to open it, with the run's token."""
    if _is_unspecified(host):
        return (f"Serving the companion on every address of this machine, port {port}: "
                f"http://localhost:{port}/?token={token} here (Ctrl+C stops it)")
    return f"Serving the companion on http://{_url_host(host)}:{port}/?token={token} (Ctrl+C stops it)"


def serve(host: str = "127.0.0.1", port: int = 8000, pack_dir: str | None = None,
          position=None, max_sessions: int | None = None, together: str | None = None) -> int:
    """Serve until Ctrl+C; 0 then (at any moment, starting up too), 1 if it cannot listen."""
    try:
        return _serve(host, port, pack_dir, position, max_sessions, together)
    except KeyboardInterrupt:  # before the loop took SIGINT over: stopping is what was asked
        return 0


def _serve(host: str, port: int, pack_dir: str | None, position, max_sessions: int | None,
           together: str | None = None) -> int:
    if not 0 < port < 65536:
        print(f"companion: error: port {port} is out of range (1-65535)", file=sys.stderr)
        return 2
    if max_sessions is None:
        max_sessions = DEFAULT_MAX_SESSIONS
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
    if not _is_loopback(host):
        print(f"companion: warning: serving on {host or 'every address'} — anyone on that "
              "network with the address printed below can open it", file=sys.stderr, flush=True)
    token = secrets.token_urlsafe(32)
    server = _server_class()(
        child_argv(pack_dir, position, together), host=host or None, port=port,
        max_sessions=max_sessions, token=token,
        on_ready=lambda: print(ready_line(host, port, token), flush=True))
    try:
        server.serve()
    except OSError as exc:  # lost a race for the port after the check above
        print(f"companion: error: {_os_error_line(exc, host, port)}", file=sys.stderr)
        return 1
    return 0
