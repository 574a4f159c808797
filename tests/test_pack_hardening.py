"""A pack is third-party input: its text never carries terminal controls, and its files are
read only when they are regular files inside the pack folder, size-checked before reading."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from runaway_companion.cli import main
from runaway_companion.pack import PackError, load_pack
from conftest import MINI, run_cli

PAYLOADS = {
    "osc52-clipboard": "\\e]52;c;cm0gLXJmIH4=\\a",
    "osc8-link": "\\e]8;;http://x\\e\\\\link\\e]8;;\\e\\\\",
    "title": "\\e]0;PWNED\\a",
    "csi-clear": "\\e[2J",
    "c1-csi": "\\x9b2J",
    "carriage-return": "safe\\rEVIL",
    "backspace": "abc\\b\\b\\bxyz",
    "bidi-override": "\\u202eevil",
    "bidi-isolate": "\\u2066x\\u2069",
    "del": "a\\x7fb",
}
# (file, the text as it stands in the mini pack, a line of it) for several kinds of text field
FIELDS = [
    ("characters.yaml", '"Alice Moon"'),  # a name
    ("characters.yaml", '"Runs a bakery."'),  # a card line
    ("show.yaml", None),  # the show title
    ("sources.yaml", None),  # a source's outlet
    ("threads.yaml", None),  # a thread title
]


def _copy(tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(MINI, pack)
    return pack


def _plant(pack, file: str, anchor: str | None, payload: str) -> None:
    path = pack / file
    text = path.read_text(encoding="utf-8")
    if anchor is None:  # the first double-quoted value of the file
        start = text.index('"')
        end = text.index('"', start + 1)
        anchor = text[start:end + 1]
    assert anchor in text
    path.write_text(text.replace(anchor, anchor[:-1] + payload + '"', 1), encoding="utf-8")


def _no_raw_controls(out: str) -> None:
    for ch in out:
        code = ord(ch)
        assert ch in "\n\t" or not (code < 0x20 or 0x7f <= code <= 0x9f
                                    or 0x202a <= code <= 0x202e or 0x2066 <= code <= 0x2069), \
            repr(ch)


@pytest.mark.parametrize("payload", list(PAYLOADS))
@pytest.mark.parametrize("field", range(len(FIELDS)))
def test_a_control_character_in_any_text_field_is_refused_with_file_and_line(tmp_path, capfd,
                                                                              payload, field):
    pack = _copy(tmp_path)
    file, anchor = FIELDS[field]
    _plant(pack, file, anchor, PAYLOADS[payload])
    with pytest.raises(PackError) as err:
        load_pack(pack, parse_cache=False)
    messages = [str(p) for p in err.value.problems]
    assert any(m.startswith(str(pack / file) + ":") and "control character" in m
               for m in messages), messages
    for command in (["validate"], ["show", "characters", "--episode", "3", "--at", "end"],
                    ["export", "--format", "markdown", "--episode", "3", "--at", "end"]):
        # the whole matrix in-process (what the terminal would get: fds 1 and 2); the first
        # field and payload also through a real `companion` process
        if field == 0 and payload == "osc52-clipboard":
            proc = run_cli("--pack", str(pack), *command)
            code, out, err = proc.returncode, proc.stdout, proc.stderr
        else:
            capfd.readouterr()
            code = main(["--pack", str(pack), *command])
            out, err = capfd.readouterr()
        assert code == 1, (command, out, err)
        assert "Traceback" not in out + err
        _no_raw_controls(out + err)


def test_ordinary_unicode_is_kept(tmp_path):
    pack = _copy(tmp_path)
    _plant(pack, "characters.yaml", '"Runs a bakery."', " — café, naïve, 東京, \\t ✓")
    loaded = load_pack(pack, parse_cache=False)
    assert any("東京" in f.text for c in loaded.characters for f in c.facts)


def _refused(pack, name: str, words: str) -> None:
    code = ("import sys; from runaway_companion.pack import load_pack, PackError\n"
            "try:\n    load_pack(sys.argv[1], parse_cache=False)\n"
            "except PackError as e:\n    print('\\n'.join(map(str, e.problems)))\n")
    proc = subprocess.run([sys.executable, "-c", code, str(pack)], capture_output=True,
                          text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert any(line.startswith(str(pack / name) + ":1:") and words in line
               for line in proc.stdout.splitlines()), proc.stdout


@pytest.mark.parametrize("name", ["show.yaml", "characters.yaml", "sources.yaml"])
def test_a_fifo_as_a_pack_file_is_refused_without_blocking(tmp_path, name):
    pack = _copy(tmp_path)
    (pack / name).unlink()
    os.mkfifo(pack / name)
    _refused(pack, name, "not a regular file")  # (a blocking open would hit the timeout)


def test_a_huge_sparse_pack_file_is_refused_before_it_is_read(tmp_path):
    pack = _copy(tmp_path)
    with open(pack / "threads.yaml", "r+b") as fh:
        fh.truncate(4 * 1024 ** 3)
    _refused(pack, "threads.yaml", "larger than")


def test_a_link_to_a_device_is_refused(tmp_path):
    pack = _copy(tmp_path)
    (pack / "threads.yaml").unlink()
    (pack / "threads.yaml").symlink_to("/dev/zero")
    _refused(pack, "threads.yaml", "outside the pack folder")


def test_a_link_out_of_the_pack_folder_is_refused_and_one_inside_is_followed(tmp_path):
    pack = _copy(tmp_path)
    outside = tmp_path / "elsewhere.yaml"
    shutil.move(pack / "threads.yaml", outside)
    (pack / "threads.yaml").symlink_to(outside)
    _refused(pack, "threads.yaml", "outside the pack folder")
    (pack / "threads.yaml").unlink()
    (pack / "parts").mkdir()
    shutil.move(outside, pack / "parts" / "threads.yaml")
    (pack / "threads.yaml").symlink_to(pack / "parts" / "threads.yaml")
    assert load_pack(pack, parse_cache=False).threads
