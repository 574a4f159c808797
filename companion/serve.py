"""`companion serve`: the same TUI in a browser, through textual-serve.

Each browser connection runs its own `companion` process; they all share the saved progress
(the atomic state file), so a change in one is seen by the next connection.
"""
from __future__ import annotations

import ipaddress
import shlex
import socket
import sys


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def port_in_use(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def serve(host: str = "127.0.0.1", port: int = 8000, pack_dir: str | None = None) -> int:
    if not 0 < port < 65536:
        print(f"companion: error: port {port} is out of range (1-65535)", file=sys.stderr)
        return 2
    try:
        from textual_serve.server import Server
    except ImportError:
        print("companion: error: serving needs textual-serve — pip install textual-serve",
              file=sys.stderr)
        return 1
    if port_in_use(host, port):
        print(f"companion: error: port {port} on {host} is already in use — pick another with --port",
              file=sys.stderr)
        return 1
    if not _is_loopback(host):
        print(f"companion: warning: serving on {host} — anyone on that network can open it",
              file=sys.stderr)
    command = f"{shlex.quote(sys.executable)} -m companion"
    if pack_dir:
        command += f" --pack {shlex.quote(str(pack_dir))}"
    server = Server(command, host=host, port=port, title="Run Away — companion")
    print(f"Serving the companion on http://{host}:{port} (Ctrl+C stops it)", flush=True)
    try:
        server.serve()
    except KeyboardInterrupt:
        pass
    return 0
