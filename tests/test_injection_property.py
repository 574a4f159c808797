"""Hostile pack text never drives the terminal: a property over generated payloads.

A payload is a run of terminal controls — OSC 52 clipboard writes, OSC 8 links, title sets,
CSI, DCS, C1 controls, backspace and carriage-return overwrites, bidi overrides and isolates —
mixed with ordinary text. It is planted in one text field of the mini pack (every name, alias,
role, status, group, card line, relationship label and history line, thread title, beat and
resolution, episode title, recap line, the show's title, and each source's outlet, title and
URL), written as YAML (escaped, in a random style, or raw bytes in the file), and then every
command is run on it in-process: each ``show``, ``export`` in both formats, ``validate``,
``audit``, ``progress``, the TUI's launch and ``serve``'s start. Each must exit non-zero, name
the file and the line of the planted value, and print no raw control character (C0 but tab
and line feed, ESC, DEL, C1, bidi embeddings/overrides/isolates) on either stream.

Text the loader keeps (tabs, line breaks, zero-width and direction marks, combining marks, wide
and emoji characters, markup lookalikes) is then shown by the TUI (``App.run_test``): nothing
on its screen, nor in any widget's content, is a control character.

Bounded: a fixed sweep (every field × every command, every payload kind × every command) and a
few hundred generated examples, all in-process; the TUI part a dozen apps.
"""
from __future__ import annotations

import contextlib
import copy
import io
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from runaway_companion.cli import main
from conftest import MINI
from packgen import FILES, dump, load, write_pack

# --- what must never reach the terminal --------------------------------------------------------

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
UNSAFE_CHARS = [chr(c) for c in range(0x110000) if UNSAFE.match(chr(c))]

SEQUENCES = {
    "osc52-clipboard": "\x1b]52;c;cm0gLXJmIH4=\x07",
    "osc52-st": "\x1b]52;p;cm0gLXJmIH4=\x1b\\",
    "osc8-link": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "title-bel": "\x1b]0;PWNED\x07",
    "title-st": "\x1b]2;PWNED\x1b\\",
    "csi-clear": "\x1b[2J\x1b[H",
    "csi-colour": "\x1b[31;1mred\x1b[0m",
    "csi-cursor": "\x1b[10A\x1b[2K",
    "dcs": "\x1bP+q544e\x1b\\",
    "c1-csi": "\x9b2J",
    "c1-osc": "\x9d0;PWNED\x9c",
    "c1-dcs": "\x90q\x9c",
    "nel": "a\x85b",
    "backspace": "abc\b\b\bxyz",
    "carriage-return": "safe\rEVIL",
    "bidi-override": "\u202eevil.exe",
    "bidi-embedding": "\u202ax\u202c",
    "bidi-isolate": "\u2066x\u2069",
    "del": "a\x7fb",
    "nul": "a\x00b",
    "bell": "\x07",
    "vt-ff": "\x0b\x0c",
}

# --- every text field of the pack ----------------------------------------------------------------

TEXT_KEYS = {"name", "text", "group", "label", "title", "outlet", "url"}


def _docs() -> dict[str, Any]:
    return {name: load((MINI / name).read_text(encoding="utf-8")) for name in FILES}


def _text_places(docs: dict[str, Any]) -> list[tuple[str, tuple]]:
    """(file, path) of every text value: a string under a text key, at any depth."""
    found: list[tuple[str, tuple]] = []

    def walk(node: Any, file: str, path: tuple) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and key in TEXT_KEYS:
                    found.append((file, path + (key,)))
                else:
                    walk(value, file, path + (key,))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, file, path + (i,))

    for file in FILES:
        walk(docs[file], file, ())
    return found


BASE = _docs()
PLACES = _text_places(BASE)


def _get(doc: Any, path: tuple) -> Any:
    for step in path:
        doc = doc[step]
    return doc


def _set(doc: Any, path: tuple, value: Any) -> None:
    _get(doc, path[:-1])[path[-1]] = value


def _planted(original: str, payload: str, where: str) -> str:
    if where == "replace":
        return payload
    if where == "prefix":
        return payload + original
    if where == "middle":
        half = len(original) // 2
        return original[:half] + payload + original[half:]
    return original + payload


# --- every command ---------------------------------------------------------------------------------

def _serve_available() -> bool:
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        return False
    return True


AT_END = ["--episode", "3", "--at", "end"]
COMMANDS: list[list[str]] = [
    ["show", "characters", *AT_END],
    ["show", "character", "Alice", *AT_END],
    ["show", "relationships", *AT_END],
    ["show", "relationships", "Bob", *AT_END],
    ["show", "threads", *AT_END],
    ["show", "episodes", *AT_END],
    ["show", "recap", *AT_END],
    ["export", "--format", "json", *AT_END],
    ["export", "--format", "markdown", *AT_END],
    ["validate"],
    ["validate", "--spoilers"],
    ["audit", "--spoilers"],
    ["audit", "--format", "json", "--spoilers"],
    ["progress"],
    ["progress", "2:mid", "--yes"],
    [],  # the TUI: `companion --pack DIR` launches it
]
_BUSY = None
if _serve_available():
    import socket

    # the pack is loaded before the port is tried: a port in use makes a serve that (wrongly)
    # got past the pack fail at once, instead of serving
    _BUSY = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    _BUSY.bind(("127.0.0.1", 0))
    _BUSY.listen()
    COMMANDS.append(["serve", "--port", str(_BUSY.getsockname()[1])])


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _raw_controls(text: str) -> list[str]:
    return sorted({repr(ch) for ch in UNSAFE.findall(text)})


# --- writing the hostile pack --------------------------------------------------------------------------

def _write(directory: Path, place: tuple[str, tuple], payload: str, where: str, style: int,
           raw: bool) -> tuple[Path, int, bool] | None:
    """Write the mini pack with ``payload`` planted at ``place``; return (the file, the line the
    value starts on, raw), or None when this YAML style cannot carry the value as it is."""
    import random

    file, path = place
    docs = copy.deepcopy(BASE)
    value = _planted(_get(docs[file], path), payload, where)
    rnd = random.Random(style)
    raw_text: dict[str, str] = {}
    if raw:  # the payload's characters as they are in the file, inside a double-quoted scalar
        marker = "PLANTEDxq7"
        _set(docs[file], path, marker)
        text = dump(docs[file], rnd)
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if f"'{marker}'" in text:
            text = text.replace(f"'{marker}'", quoted)
        elif f'"{marker}"' in text:
            text = text.replace(f'"{marker}"', quoted)
        else:
            text = text.replace(marker, quoted)
        raw_text[file] = text
    else:
        _set(docs[file], path, value)
        text = dump(docs[file], rnd)
        try:
            if _get(yaml.safe_load(text), path) != value:  # a style that folds a line break
                return None
        except yaml.YAMLError:  # pragma: no cover - PyYAML writes what it reads
            return None
        raw_text[file] = text
    write_pack(directory, docs, rnd, raw=raw_text)  # (the planted file exactly as composed)
    line = 1
    try:  # the line PyYAML says the planted value starts on
        node = yaml.compose(text)
        for step in path:
            if isinstance(step, int):
                node = node.value[step]
            else:
                node = next(v for k, v in node.value if k.value == step)
        line = node.start_mark.line + 1
    except yaml.YAMLError:  # raw controls: the reader stops at once (the problem says line 1)
        pass
    return directory / file, line, raw


def _check(directory: Path, expected: tuple[Path, int, bool], command: list[str]) -> None:
    code, out, err = _run(["--pack", str(directory), *command])
    assert code != 0, (command, out, err)
    leaked = _raw_controls(out + err)
    assert not leaked, (command, leaked)
    file, line, raw = expected
    pattern = re.compile(rf"^{re.escape(str(file))}:(\d+): ", re.M)
    lines = [int(n) for n in pattern.findall(err)]
    assert lines, (command, err)
    # the value's own line; a raw control byte stops PyYAML's reader, which gives no line
    assert lines == [line] or (raw and lines == [1]), (command, line, err)
    assert "Traceback" not in out + err


TRIED: dict[str, int] = {}


def _count(kind: str) -> None:
    TRIED[kind] = TRIED.get(kind, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def _figures():
    """COMPANION_INJECTION_FIGURES=FILE: how many runs each part made (for docs/security.md)."""
    yield
    import json
    import os

    target = os.environ.get("COMPANION_INJECTION_FIGURES")
    if target:
        Path(target).write_text(json.dumps(TRIED, indent=1), encoding="utf-8")


# --- the fixed sweep: every field × every command, every payload kind × every command ------------------

def test_every_text_field_with_a_payload_is_refused_by_every_command(tmp_path):
    kinds = list(SEQUENCES)
    for i, place in enumerate(PLACES):
        payload = SEQUENCES[kinds[i % len(kinds)]]
        directory = tmp_path / f"field{i}"
        expected = _write(directory, place, payload, "suffix", style=i, raw=False)
        assert expected is not None, place
        for command in COMMANDS:
            _check(directory, expected, command)
            _count("sweep: field × command")
    assert len(PLACES) >= 30  # every kind of text field of the mini pack is among them


def test_every_payload_kind_is_refused_by_every_command_escaped_and_raw(tmp_path):
    for i, (kind, payload) in enumerate(SEQUENCES.items()):
        place = PLACES[(i * 7) % len(PLACES)]
        for raw in (False, True):
            directory = tmp_path / f"{kind}-{raw}"
            expected = _write(directory, place, payload, "middle", style=i, raw=raw)
            if expected is None:
                continue
            if raw and not UNSAFE.search(payload.replace("\r", "").replace("\x85", "")):
                continue  # (a raw CR or NEL in YAML is a line break: it never reaches the text)
            for command in COMMANDS:
                _check(directory, expected, command)
                _count("sweep: payload kind × command")


# --- generated payloads ----------------------------------------------------------------------------------

SAFE_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"),
                                           exclude_characters="\u202a\u202b\u202c\u202d\u202e"
                                                              "\u2066\u2067\u2068\u2069"),
                    max_size=6)
DANGER = st.one_of(st.sampled_from(list(SEQUENCES.values())), st.sampled_from(UNSAFE_CHARS))
PAYLOADS = st.tuples(SAFE_TEXT, DANGER, st.lists(st.one_of(DANGER, SAFE_TEXT), max_size=4)) \
    .map(lambda t: t[0] + t[1] + "".join(t[2]))


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
@given(payload=PAYLOADS, place=st.sampled_from(PLACES),
       where=st.sampled_from(["replace", "prefix", "middle", "suffix"]),
       command=st.sampled_from(COMMANDS), style=st.integers(0, 2**16), raw=st.booleans())
def test_generated_payloads_never_reach_the_terminal(payload, place, where, command, style, raw):
    if raw and not UNSAFE.search(payload.replace("\r", "").replace("\x85", "")):
        raw = False  # (only line breaks: YAML folds them away in a raw file)
    with tempfile.TemporaryDirectory() as tmp:
        expected = _write(Path(tmp) / "pack", place, payload, where, style, raw)
        if expected is None:
            return
        _check(Path(tmp) / "pack", expected, command)
        _count("generated: payload × field × command")


def test_the_fields_cover_every_file_and_every_kind_of_text():
    assert {file for file, _path in PLACES} == set(FILES)
    # names (aliases, actors), roles, statuses and card lines (text), groups, labels,
    # titles, outlets, URLs
    assert {path[-1] for _file, path in PLACES} == TEXT_KEYS
    paths = {(file, tuple(s for s in path if isinstance(s, str))) for file, path in PLACES}
    for expected in [("characters.yaml", ("characters", "names", "name")),
                     ("characters.yaml", ("characters", "actor", "name")),
                     ("characters.yaml", ("characters", "roles", "text")),
                     ("characters.yaml", ("characters", "statuses", "text")),
                     ("characters.yaml", ("characters", "facts", "text")),
                     ("characters.yaml", ("characters", "groups", "group")),
                     ("relationships.yaml", ("relationships", "stages", "label")),
                     ("relationships.yaml", ("relationships", "history", "text")),
                     ("threads.yaml", ("threads", "titles", "text")),
                     ("threads.yaml", ("threads", "beats", "text")),
                     ("threads.yaml", ("threads", "resolved", "text")),
                     ("show.yaml", ("title",)), ("show.yaml", ("episodes", "title", "text")),
                     ("show.yaml", ("episodes", "recap", "text")),
                     ("sources.yaml", ("sources", "S1", "outlet")),
                     ("sources.yaml", ("sources", "S1", "url")),
                     ("sources.yaml", ("sources", "S1", "title"))]:
        assert expected in paths, expected
    aliases = [p for f, p in PLACES if f == "characters.yaml" and p[-1] == "name"
               and _get(BASE[f], p[:-1]).get("kind") == "alias"]
    assert aliases


# --- the TUI: what the loader keeps is shown without a control character -----------------------------------

KEPT = st.lists(st.sampled_from(
    ["\t", "\n", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u2028", "\u2029",
     "\ufeff", "\u00a0", "\u00ad", "e\u0301", "\u0336", "中", "文", "🙂", "👩‍👩‍👧", "[bold]", "[/]",
     "[link=https://evil.example]", "$x", "{0}", "%s", "\\e[2J", "\\x1b", "a", "Z", " "]),
    min_size=1, max_size=8).map("".join)


@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],  # (shrinking a dozen apps takes minutes)
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=KEPT, place=st.sampled_from(PLACES))
def test_the_tui_shows_kept_text_without_a_control_character(text, place):
    import asyncio

    from runaway_companion.pack import load_pack
    from runaway_companion.progress import Position
    from runaway_companion.tui import CompanionApp
    from tui.helpers import screen_text, until, widget_text

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "pack"
        docs = copy.deepcopy(BASE)
        file, path = place
        _set(docs[file], path, _planted(_get(docs[file], path), text, "middle"))
        if path[-1] == "url":  # a URL keeps its form; the odd text goes in its path
            _set(docs[file], path, "https://example.org/" + "x".join(text.split()))
        write_pack(directory, docs)
        try:
            pack = load_pack(directory, parse_cache=False)
        except Exception as exc:  # noqa: BLE001 - a rule about that field, not about controls
            assert "control character" not in str(exc)
            _count("tui: refused by another rule")
            return
        app = CompanionApp(pack=pack, position=Position(3, "end"))
        app.animation_level = "none"

        async def drawn() -> str:
            async with app.run_test(size=(100, 32)) as pilot:
                await until(pilot, lambda: any(name in screen_text(app)  # (one is unplanted)
                                               for name in ("Alice Moon", "Bob Moon")),
                            "the characters are drawn")
                return screen_text(app) + widget_text(app)

        shown = asyncio.run(drawn())
        assert not _raw_controls(shown)
        _count("tui: kept text × field")
