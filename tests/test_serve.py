"""`companion serve` without a browser: what it prints, how it stops, what it refuses.

Each test runs the real command in a subprocess (its own process group, so a SIGINT to the
group is what Ctrl+C in a terminal sends) on a free loopback port, with the test's own
COMPANION_STATE_DIR (tests/conftest.py). The browser test is tests/test_serve_browser.py.
"""
from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from runaway_companion import state
from runaway_companion.progress import Position
from conftest import MINI

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install textual-serve)")

from runaway_companion import serve as serve_module  # noqa: E402

STARTUP_TIMEOUT = 30.0
READY = re.compile(r"^Serving the companion on .*http://[^ ]+/\?token=([A-Za-z0-9_-]+)[ ]")


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (each session's app is the server's child)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


def gone(pids, timeout: float = 10.0) -> bool:
    """Every pid has ended (and is not left a zombie) within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = []
        for pid in pids:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            if stat[stat.rindex(")") + 2] != "Z":
                alive.append(pid)
        if not alive:
            return True
        time.sleep(0.05)
    return False


class Served:
    """A running `companion serve`, stopped (group-wide SIGINT, like Ctrl+C) by `stop()`."""

    def __init__(self, *args: str, port: int | None = None, host: str = "127.0.0.1"):
        self.host = host
        self.port = port or free_port()
        self.token = ""
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "runaway_companion", "serve", "--host", host, "--port", str(self.port),
             *args],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True)
        self._out = b""
        self._err = b""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def page_url(self) -> str:
        """The address the server printed: the page, with this run's token."""
        return f"{self.url}/?token={self.token}"

    def ws_url(self, width: int = 100, height: int = 30, token: str | None = None) -> str:
        token = self.token if token is None else token
        return f"{self.url}/ws?width={width}&height={height}&token={token}"

    def _read_until(self, stream: str, predicate, timeout: float) -> bytes:
        """Read the process's output until predicate(bytes so far) or timeout."""
        pipe = self.proc.stdout if stream == "out" else self.proc.stderr
        sel = selectors.DefaultSelector()
        sel.register(pipe, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        data = getattr(self, f"_{stream}")
        try:
            while not predicate(data):
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    break
                chunk = os.read(pipe.fileno(), 4096)
                if not chunk:
                    break
                data += chunk
        finally:
            sel.close()
            setattr(self, f"_{stream}", data)
        return data

    def wait_ready(self) -> str:
        out = self._read_until("out", lambda d: b"\n" in d, STARTUP_TIMEOUT)
        if b"Serving the companion" not in out:
            self.stop()
            raise AssertionError(f"server did not start: out={self._out!r} err={self._err!r}")
        line = out.decode().splitlines()[0]
        found = READY.match(line)
        if not found:
            self.stop()
            raise AssertionError(f"no token in the address it printed: {line!r}")
        self.token = found.group(1)
        return line

    def first_err_line(self) -> str:
        err = self._read_until("err", lambda d: b"\n" in d, STARTUP_TIMEOUT)
        return err.decode().splitlines()[0] if err else ""

    def children(self) -> set[int]:
        return children(self.proc.pid)

    def stop(self, sig: int = signal.SIGINT, timeout: float = 15.0) -> tuple[int, str, str]:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                pass
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, err = self.proc.communicate()
            raise AssertionError(f"server did not stop within {timeout}s of signal {sig}: "
                                 f"{out!r} {err!r}") from None
        return (self.proc.returncode, (self._out + out).decode(errors="replace"),
                (self._err + err).decode(errors="replace"))

    def group_alive(self) -> bool:
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        return True


def quiet(out: str, err: str) -> None:
    """No traceback of any kind (Python's, or Rich's boxed one) in the server's terminal."""
    both = out + err
    assert "Traceback" not in both and "Exception ignored" not in both, both
    assert "╭" not in both and "locals" not in both, both


def _saved() -> str | None:
    path = state.state_path()
    return json.loads(path.read_text())["progress"].get("run-away") if path.exists() else None


# --- refusing to start: one line, exit 1 --------------------------------------------------

def test_port_in_use_is_one_clear_line_and_exit_1():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "runaway_companion", "serve", "--port", str(port)],
                              capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert "already in use" in lines[0] and str(port) in lines[0] and "--port" in lines[0]


def test_bad_pack_is_reported_once_at_start(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "runaway_companion", "serve", "--port", str(free_port()),
                           "--pack", str(tmp_path / "nowhere")],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "Serving" not in proc.stdout


# --- binding ------------------------------------------------------------------------------

def test_default_is_loopback_without_a_warning():
    served = Served()
    try:
        line = served.wait_ready()
        assert line == (f"Serving the companion on http://127.0.0.1:{served.port}/?token="
                        f"{served.token} (Ctrl+C stops it)")
    finally:
        rc, _out, err = served.stop()
    assert rc == 0
    assert err == ""


def test_help_says_the_default_host_is_loopback():
    proc = subprocess.run([sys.executable, "-m", "runaway_companion", "serve", "--help"],
                          capture_output=True, text=True, timeout=60)
    assert "127.0.0.1" in proc.stdout


def test_another_address_prints_a_one_line_warning_first():
    # 0.0.0.0 is listened on but never connected to: no traffic leaves the machine
    served = Served(host="0.0.0.0", port=free_port("0.0.0.0"))
    try:
        first = served.first_err_line()
        assert first == ("companion: warning: serving on 0.0.0.0 — anyone on that network "
                         "with the address printed below can open it")
        assert "every address" in served.wait_ready()
        # the page's websocket address is where the browser reached the server, not 0.0.0.0
        page = urllib.request.urlopen(served.page_url, timeout=10).read().decode()
        assert f"ws://127.0.0.1:{served.port}/ws" in page and "0.0.0.0" not in page
    finally:
        rc, _out, err = served.stop()
    assert rc == 0
    assert err.splitlines() == [first]


# --- Ctrl+C ---------------------------------------------------------------------------------

async def _screen_bytes(ws, until: bytes, timeout: float = 20.0) -> bytes:
    import aiohttp

    got = b""
    deadline = time.monotonic() + timeout
    while until not in got and time.monotonic() < deadline:
        msg = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
        if msg.type == aiohttp.WSMsgType.BINARY:
            got += msg.data
        elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                          aiohttp.WSMsgType.ERROR):
            break
    return got


async def _wait_saved(value: str, timeout: float = 15.0) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and _saved() != value:
        await asyncio.sleep(0.05)
    return _saved()


def test_ctrl_c_with_a_browser_connected_stops_everything_quietly():
    import aiohttp

    state.save_progress("run-away", Position(3, "late"))
    served = Served()
    served.wait_ready()

    async def connect_then_interrupt():
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(served.ws_url(100, 30)) as ws:
                assert b"Simon Greene" in await _screen_bytes(ws, b"Simon Greene")
                apps.update(served.children())
                return served.stop()  # SIGINT, as Ctrl+C sends it to the terminal's group

    apps: set[int] = set()
    try:
        rc, out, err = asyncio.run(connect_then_interrupt())
    finally:
        if served.proc.poll() is None:  # failed before the interrupt: leave nothing running
            served.stop()
    assert rc == 0
    quiet(out, err)
    assert err == ""
    assert len(apps) == 1
    assert gone(apps), "an app process outlived the server"
    assert not served.group_alive()


# --- shared progress -------------------------------------------------------------------------

def test_connections_share_the_saved_progress():
    """A move in one connection is saved; a connection opened after it starts there; two
    connections moving at once leave a whole, valid state file."""
    import aiohttp

    state.save_progress("run-away", Position(3, "late"))
    served = Served()
    served.wait_ready()

    async def scenario():
        async with aiohttp.ClientSession() as session:
            url = served.ws_url(120, 40)
            async with session.ws_connect(url) as first:
                await _screen_bytes(first, b"Simon Greene")
                await first.send_str(json.dumps(["stdin", "]"]))
                assert await _wait_saved("3:end") == "3:end"
            async with session.ws_connect(url) as second:
                # the new connection's app starts at the position the first one saved
                assert b"finished" in await _screen_bytes(second, b"finished")
            async with session.ws_connect(url) as a, session.ws_connect(url) as b:
                await asyncio.gather(_screen_bytes(a, b"Simon Greene"),
                                     _screen_bytes(b, b"Simon Greene"))
                for _ in range(3):
                    await asyncio.gather(a.send_str(json.dumps(["stdin", "]"])),
                                         b.send_str(json.dumps(["stdin", "["])))
                await asyncio.sleep(1.0)

    try:
        asyncio.run(scenario())
    finally:
        rc, out, err = served.stop()
    assert rc == 0, err
    assert "Traceback" not in out + err, out + err
    saved = _saved()
    # one connection stepped 3:end back three times, the other forward three times
    assert saved in {"3:late", "3:mid", "3:early", "4:start", "4:early", "4:mid"}
    assert not list(state.state_path().parent.glob(".state-*.tmp"))


def test_concurrent_saves_from_many_processes_leave_a_valid_file():
    code = ("import sys\n"
            "from runaway_companion import state\n"
            "from runaway_companion.progress import Position\n"
            "for _ in range(40):\n"
            "    assert state.save_progress('run-away', Position(int(sys.argv[1]), 'mid')) is None\n")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(n)]) for n in (2, 5, 7)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    assert _saved() in {"2:mid", "5:mid", "7:mid"}
    assert not list(state.state_path().parent.glob(".state-*.tmp"))


# --- refusing what a web page elsewhere would send ------------------------------------------

def test_cross_origin_pages_and_rebound_hosts_are_refused():
    import aiohttp

    served = Served()
    served.wait_ready()

    async def probe():
        async with aiohttp.ClientSession() as session:
            async with session.get(served.page_url) as ok:
                page = await ok.text()
                assert ok.status == 200
                assert f'ws://127.0.0.1:{served.port}/ws' in page
            async with session.get(served.page_url,
                                   headers={"Host": f"evil.example:{served.port}"}) as r:
                assert r.status == 403
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(served.ws_url(),
                                         headers={"Origin": "http://evil.example"})
            assert refused.value.status == 403
            async with session.ws_connect(served.ws_url(),
                                          headers={"Origin": served.url}) as ws:
                assert b"Run Away" in await _screen_bytes(ws, b"Run Away")

    try:
        asyncio.run(probe())
    finally:
        rc, out, err = served.stop()
    assert rc == 0
    assert "Traceback" not in out + err, out + err


# --- the lock on the door: a per-run token ----------------------------------------------------

def test_the_printed_address_carries_a_new_secret_token_each_run():
    tokens = []
    for _ in range(2):
        served = Served()
        try:
            served.wait_ready()
            tokens.append(served.token)
        finally:
            rc, out, err = served.stop()
        assert rc == 0 and err == ""
        quiet(out, err)
    assert tokens[0] != tokens[1]
    assert all(len(t) >= 40 for t in tokens)  # secrets.token_urlsafe(32): 256 random bits


def test_page_and_websocket_refuse_a_missing_or_wrong_token_with_a_clear_403():
    import aiohttp

    served = Served()
    served.wait_ready()
    refused_pages = []

    async def probe():
        async with aiohttp.ClientSession() as anon:
            for url in (served.url + "/", served.url + "/?token=", served.url + "/?token=wrong",
                        served.url + "/?token=" + served.token[:-1],
                        served.url + "/download/x", served.url + "/?token=%ED%A0%80"):
                async with anon.get(url) as page:
                    refused_pages.append((page.status, await page.text()))
            for url in (served.url + "/ws", served.ws_url(token=""), served.ws_url(token="x" * 43)):
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await anon.ws_connect(url)
                assert refused.value.status == 403
        # the page with the token sets this port's cookie, and the cookie then opens the
        # page and the websocket (a reload, the page's own connection)
        # (unsafe: aiohttp's jar, unlike a browser's, keeps no cookie of an IP address)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as owner:
            async with owner.get(served.page_url) as page:
                assert page.status == 200
                cookie = page.headers["Set-Cookie"]
                assert f"companion-token-{served.port}={served.token}" in cookie
                assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
            async with owner.get(served.url + "/") as again:
                assert again.status == 200
            async with owner.ws_connect(f"{served.url}/ws?width=100&height=30") as ws:
                assert b"Run Away" in await _screen_bytes(ws, b"Run Away")

    try:
        asyncio.run(probe())
    finally:
        rc, out, err = served.stop()
    assert rc == 0
    quiet(out, err)
    for status, text in refused_pages:
        assert status == 403 and "needs its key" in text and "?token=" in text
    # one line in the server's terminal for each refusal, nothing else
    lines = err.splitlines()
    assert len(lines) == len(refused_pages) + 3, err
    assert all(line.startswith("companion: refused a request for ") for line in lines), err


def test_token_compare_is_constant_time_and_takes_nothing_but_the_token(monkeypatch):
    import hmac

    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    token = "abcDEF123_-xyz"
    assert serve_module.token_matches(token, token)
    assert calls, "the token is compared with hmac.compare_digest"
    for wrong in (None, "", token[:-1], token + "x", token.upper(), "\udcff", "é" * 14):
        assert not serve_module.token_matches(wrong, token)


# --- Host and Origin, on every bind address ----------------------------------------------------

@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_a_rebound_host_is_refused_on_loopback_and_on_every_address(host):
    import aiohttp

    # 0.0.0.0 is listened on but only ever reached through 127.0.0.1: no traffic leaves
    served = Served(host=host, port=free_port(host))
    served.wait_ready()
    port = served.port
    own = [f"127.0.0.1:{port}", f"localhost:{port}", f"{socket.gethostname()}:{port}",
           f"[::1]:{port}", f"LOCALHOST.:{port}"]
    rebound = [f"evil.example:{port}", f"127.0.0.1.nip.io:{port}", f"localhost.evil.example:{port}",
               f"{socket.gethostname()}.evil.example:{port}", "evil.example", "", "[::1"]

    async def probe():
        async with aiohttp.ClientSession() as session:
            for name in own:
                async with session.get(served.page_url, headers={"Host": name}) as page:
                    assert page.status == 200, name
            for name in rebound:
                async with session.get(served.page_url, headers={"Host": name}) as page:
                    assert page.status == 403, name
                    assert "own machine's names" in await page.text()
                with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                    await session.ws_connect(served.ws_url(), headers={
                        "Host": name, "Origin": f"http://{name}"})
                assert refused.value.status == 403, name
            # the right Host but another site's page: the websocket is refused
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(served.ws_url(), headers={"Origin": "http://evil.example"})
            assert refused.value.status == 403
            assert served.children() == set()  # nothing was started for any of them

    try:
        asyncio.run(probe())
    finally:
        rc, out, err = served.stop()
    assert rc == 0
    quiet(out, err)


def test_host_names_of_this_machine_are_allowed_and_no_others():
    names = serve_module.local_names("0.0.0.0")
    for name in ("localhost", "127.0.0.1", "::1", socket.gethostname().lower()):
        assert serve_module.host_allowed(f"{name}:8000" if ":" not in name else f"[{name}]:8000",
                                         names)
    # an interface's address, and the address the connection was accepted on
    for address in serve_module._interface_addresses():
        assert serve_module.host_allowed(f"[{address}]:1" if ":" in address else address, names)
    assert serve_module.host_allowed("192.0.2.7:8000", names, reached_at="192.0.2.7")
    assert serve_module.host_allowed("192.0.2.7", names, reached_at="::ffff:192.0.2.7")
    for name in ("evil.example", "192.0.2.8:8000", "", None, "[::1", "localhost.evil.example",
                 "127.0.0.1.evil.example", "0.0.0.0:8000"):
        assert not serve_module.host_allowed(name, names, reached_at="192.0.2.7"), name
    assert serve_module.same_origin("http://localhost:8000", "localhost:8000")
    assert serve_module.same_origin(None, "localhost:8000")  # not a browser: the token decides
    for origin in ("http://evil.example", "null", "http://localhost:8001", "http://[::1"):
        assert not serve_module.same_origin(origin, "localhost:8000"), origin


# --- caps and bounds -------------------------------------------------------------------------

def test_sessions_are_capped_and_the_next_one_is_told_and_spawns_nothing():
    import aiohttp

    state.save_progress("run-away", Position(3, "late"))
    served = Served("--max-sessions", "2")
    served.wait_ready()

    async def scenario():
        async with aiohttp.ClientSession() as session:
            a = await session.ws_connect(served.ws_url())
            b = await session.ws_connect(served.ws_url())
            await asyncio.gather(_screen_bytes(a, b"Simon Greene"), _screen_bytes(b, b"Simon Greene"))
            apps = served.children()
            assert len(apps) == 2
            third = await session.ws_connect(served.ws_url())
            msg = await third.receive(timeout=10)
            assert msg.type == aiohttp.WSMsgType.CLOSE
            assert msg.data == 1013 and "too many open sessions" in msg.extra
            async with session.get(served.page_url) as page:
                text = await page.text()
                assert page.status == 503
                assert "Too many open sessions" in text and "--max-sessions 2" in text
                assert 'http-equiv="refresh"' in text  # it tries again by itself
            assert served.children() == apps  # nothing was started for the refused ones
            await a.close()  # one closes: the next one gets a session (a reload)
            c = await session.ws_connect(served.ws_url())
            assert b"Simon Greene" in await _screen_bytes(c, b"Simon Greene")
            assert len(served.children()) == 2
            await asyncio.gather(b.close(), c.close())

    try:
        asyncio.run(scenario())
    finally:
        rc, out, err = served.stop()
    assert rc == 0
    quiet(out, err)
    assert [line for line in err.splitlines() if "refused" in line] == [
        "companion: refused a session: 2 are open (--max-sessions 2)",
        "companion: refused a page: 2 sessions are open (--max-sessions 2)"], err


def test_max_sessions_must_be_a_whole_number_of_one_or_more(capsys):
    from runaway_companion.cli import main

    for value in ("0", "-1", "two", "٣", "1.5"):
        assert main(["serve", "--max-sessions", value]) == 2
        err = capsys.readouterr().err
        assert len(err.splitlines()) == 1 and "--max-sessions" in err, err
    help_text = subprocess.run([sys.executable, "-m", "runaway_companion", "serve", "--help"],
                               capture_output=True, text=True, timeout=60).stdout
    assert f"default: {serve_module.DEFAULT_MAX_SESSIONS}" in " ".join(help_text.split())


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)


def test_a_huge_terminal_asked_for_is_bounded():
    import aiohttp

    served = Served()
    served.wait_ready()

    async def scenario():
        async with aiohttp.ClientSession() as session:
            for query, expect in (((3000, 3000), ("500", "200")), ((0, -5), ("1", "1")),
                                  (("x", "9" * 40), ("80", "24"))):
                async with session.ws_connect(served.ws_url(*query)) as ws:
                    assert await _screen_bytes(ws, b"\x1b[")  # it draws
                    (app,) = served.children()
                    env = _environ(app)
                    assert (env["COLUMNS"], env["ROWS"]) == expect, query
                    # a resize the page sends later is bounded too: the app still answers
                    await ws.send_str(json.dumps(["resize", {"width": 10**6, "height": 10**6}]))
                    await ws.send_str(json.dumps(["ping", "after"]))
                    assert await _pong(ws) == ["pong", "after"], query
                await _until_no_children(served)

    try:
        asyncio.run(scenario())
    finally:
        rc, out, err = served.stop()
    assert rc == 0
    quiet(out, err)
    assert err == ""


async def _pong(ws, timeout: float = 10.0):
    """The next text message (the pong), skipping screen updates; None if the socket closed."""
    import aiohttp

    deadline = time.monotonic() + timeout
    while True:
        msg = await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
        if msg.type == aiohttp.WSMsgType.TEXT:
            return json.loads(msg.data)
        if msg.type != aiohttp.WSMsgType.BINARY:
            return None


async def _until_no_children(served, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while served.children() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert not served.children(), "a closed session's app is still running"


def test_sizes_and_messages_are_checked_before_they_reach_the_app():
    clamp = serve_module.clamp_size
    assert clamp(3000, 3000) == (serve_module.MAX_WIDTH, serve_module.MAX_HEIGHT) == (500, 200)
    assert clamp("120", "40") == (120, 40)
    assert clamp(-3, 0) == (1, 1)
    assert clamp("x", None) == (80, 24) and clamp(True, 1.5) == (80, 24)
    assert clamp("٣", "1" * 5000) == (80, 24)
    parse = serve_module.parse_message
    assert parse('["resize", {"width": 9000, "height": 9000}]') == ("resize", (500, 200))
    assert parse('["stdin", "q"]') == ("stdin", b"q")
    assert parse('["ping", "1"]') == ("ping", "1") and parse('["focus"]') == ("focus", None)
    for text in ("not json", "{}", "[]", "42", '["stdin"]', '["stdin", 5]', '["resize", "x"]',
                 '["resize", {"width": "a", "height": 1}]', '["resize", {"width": 1}]',
                 '["stdin", "\\ud800"]', '["\\u001b]52;c;x\\u0007", 1]', "[" * 100_000,
                 '[5, 1]', '["resize", {"width": true, "height": 1}]'):
        with pytest.raises(serve_module.Malformed) as why:
            parse(text)
        assert "\x1b" not in str(why.value) and "\n" not in str(why.value)


# --- Ctrl+C, always ----------------------------------------------------------------------------

def _interrupt_with_a_session(width: int, height: int, interrupts: int, wait_screen: bool = True):
    import aiohttp

    served = Served()
    served.wait_ready()
    apps: set[int] = set()

    async def scenario():
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(served.ws_url(width, height)) as ws:
                if wait_screen:
                    await _screen_bytes(ws, b"Run Away", timeout=60)
                    apps.update(served.children())
                    assert apps
                started = time.monotonic()
                for n in range(interrupts):
                    if n:
                        await asyncio.sleep(0.3)  # while it is ending the sessions
                    os.killpg(served.proc.pid, signal.SIGINT)
                rc = await asyncio.get_running_loop().run_in_executor(
                    None, lambda: served.proc.wait(30))
                return rc, time.monotonic() - started

    try:
        rc, took = asyncio.run(scenario())
    finally:
        code, out, err = served.stop()
    assert rc == code == 0
    quiet(out, err)
    assert err == ""
    assert gone(apps), "an app outlived the server"
    return took


def test_ctrl_c_with_a_huge_session_open_exits_0_promptly_and_quietly():
    took = _interrupt_with_a_session(3000, 3000, interrupts=1)
    assert took < serve_module.APP_QUIT_TIMEOUT + 10


def test_a_second_ctrl_c_while_stopping_is_quiet_too():
    _interrupt_with_a_session(120, 40, interrupts=2)
    _interrupt_with_a_session(120, 40, interrupts=3, wait_screen=False)  # a session starting


# --- malformed messages --------------------------------------------------------------------------

MALFORMED = ["not json", "{}", "[]", '["resize", "x"]', '["stdin", 5]',
             '["resize", {"width": "a"}]', "42", '["stdin"]', '["\\u001b]0;PWNED\\u0007"]',
             "[" * 50_000]


def test_malformed_websocket_messages_are_one_line_each_and_the_session_lives():
    import aiohttp

    served = Served()
    served.wait_ready()

    async def scenario():
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(served.ws_url()) as ws:
                await _screen_bytes(ws, b"Run Away")
                for frame in MALFORMED:
                    await ws.send_str(frame)
                await ws.send_bytes(b"\x00\xff")
                await ws.send_str(json.dumps(["ping", "alive"]))
                assert await _pong(ws) == ["pong", "alive"]
        # a frame that breaks the websocket protocol itself (opcode 3 is reserved)
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        writer.write((f"GET /ws?token={served.token} HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        await writer.drain()
        assert b" 101 " in await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
        writer.write(b"\x83\x80abcd")
        await writer.drain()
        try:
            await asyncio.wait_for(reader.read(), 15)  # the server closes it
        except ConnectionError:
            pass
        writer.close()

    try:
        asyncio.run(scenario())
    finally:
        rc, out, err = served.stop()
    assert rc == 0
    quiet(out, err)
    lines = err.splitlines()
    ignored = [line for line in lines if line.startswith("companion: ignored a malformed message")]
    assert len(ignored) == len(MALFORMED) + 1, err
    assert any("broken websocket frame" in line for line in lines), err
    assert len(lines) == len(MALFORMED) + 2, err
    assert "\x1b" not in out + err


def test_a_session_flooding_malformed_messages_is_closed():
    import aiohttp

    served = Served()
    served.wait_ready()

    async def scenario():
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(served.ws_url()) as ws:
                await _screen_bytes(ws, b"Run Away")
                for _ in range(serve_module.MAX_MALFORMED + 30):
                    await ws.send_str("x")
                deadline = time.monotonic() + 15
                while (msg := await ws.receive(timeout=max(0.1, deadline - time.monotonic()))
                       ).type == aiohttp.WSMsgType.BINARY:
                    pass
                assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 1008
        await _until_no_children(served)

    try:
        asyncio.run(scenario())
    finally:
        rc, out, err = served.stop()
    assert rc == 0
    quiet(out, err)
    assert len(err.splitlines()) == serve_module.MAX_MALFORMED + 1, err


# --- how each session's app is run -------------------------------------------------------------

def test_serve_runs_the_app_as_a_module_and_never_imports_the_cli():
    tree = ast.parse(Path(serve_module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not any(name.startswith("runaway_companion.cli") for name in imported), imported
    assert serve_module.child_argv(None) == [sys.executable, "-m", "runaway_companion"]
    argv = serve_module.child_argv(str(MINI), Position(2, "mid"))
    assert argv[3:] == ["--pack", str(MINI.resolve()), "--episode", "2", "--at", "mid"]
    assert serve_module.child_argv("example")[3:] == ["--pack", "example"]  # a shipped pack


def test_the_pack_and_the_position_reach_every_session():
    import aiohttp

    served = Served("--pack", str(MINI), "--episode", "1", "--at", "early")
    served.wait_ready()

    async def scenario():
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(served.ws_url(120, 40)) as ws:
                assert b"Alice Moon" in await _screen_bytes(ws, b"Alice Moon")

    try:
        asyncio.run(scenario())
    finally:
        rc, out, err = served.stop()
    assert rc == 0
    quiet(out, err)
