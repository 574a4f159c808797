"""`companion serve` without a browser: what it prints, how it stops, what it refuses.

Each test runs the real command in a subprocess (its own process group, so a SIGINT to the
group is what Ctrl+C in a terminal sends) on a free loopback port, with the test's own
COMPANION_STATE_DIR (tests/conftest.py). The browser test is tests/test_serve_browser.py.
"""
from __future__ import annotations

import asyncio
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from runaway_companion import state
from runaway_companion.progress import Position

pytest.importorskip("textual_serve", reason="textual-serve is not installed (pip install textual-serve)")

STARTUP_TIMEOUT = 30.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class Served:
    """A running `companion serve`, stopped (group-wide SIGINT, like Ctrl+C) by `stop()`."""

    def __init__(self, *args: str, port: int | None = None, host: str = "127.0.0.1"):
        self.host = host
        self.port = port or free_port()
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
        return out.decode().splitlines()[0]

    def first_err_line(self) -> str:
        err = self._read_until("err", lambda d: b"\n" in d, STARTUP_TIMEOUT)
        return err.decode().splitlines()[0] if err else ""

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
        assert line == f"Serving the companion on http://127.0.0.1:{served.port} (Ctrl+C stops it)"
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
                         "can open it")
        assert "every address" in served.wait_ready()
        # the page's websocket address is where the browser reached the server, not 0.0.0.0
        page = urllib.request.urlopen(served.url + "/", timeout=10).read().decode()
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
    while until not in got:
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
            async with session.ws_connect(f"{served.url}/ws?width=100&height=30") as ws:
                assert b"Simon Greene" in await _screen_bytes(ws, b"Simon Greene")
                return served.stop()  # SIGINT to the server and the app it started

    try:
        rc, out, err = asyncio.run(connect_then_interrupt())
    finally:
        if served.proc.poll() is None:  # failed before the interrupt: leave nothing running
            served.stop()
    assert rc == 0
    assert "Traceback" not in out + err, out + err
    assert err == ""
    assert not served.group_alive(), "an app process outlived the server"


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
            url = f"{served.url}/ws?width=120&height=40"
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
            async with session.get(served.url + "/") as ok:
                page = await ok.text()
                assert ok.status == 200
                assert f'ws://127.0.0.1:{served.port}/ws' in page
            async with session.get(served.url + "/", headers={"Host": f"evil.example:{served.port}"}) as r:
                assert r.status == 403
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(served.url + "/ws",
                                         headers={"Origin": "http://evil.example"})
            assert refused.value.status == 403
            async with session.ws_connect(served.url + "/ws",
                                          headers={"Origin": served.url}) as ws:
                assert b"Run Away" in await _screen_bytes(ws, b"Run Away")

    try:
        asyncio.run(probe())
    finally:
        rc, out, err = served.stop()
    assert rc == 0
    assert "Traceback" not in out + err, out + err
