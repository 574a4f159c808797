"""What a viewer can read before watching names nothing beyond the first episode's opening.

The README, the pack-format guide, docs/*.md, every ``--help`` page, the package's description and
the test ids (``pytest --collect-only -q``, which anyone running the suite sees) are read by people
who have not finished the show. The words they must not contain are not written here: they
come from the shipped pack itself — every character name, alias and actor, group and thread
title the pack reveals after ``1:early`` — less the words a viewer already has at ``1:early``
and short words.
"""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import tomllib
from functools import lru_cache
from pathlib import Path

import pytest

from runaway_companion.pack import load_pack
from runaway_companion.progress import Position
from runaway_companion.view import View

ROOT = Path(__file__).resolve().parent.parent
OPENING = Position(1, "early")

# Ordinary English words that also occur in the pack's later group names, thread titles or actors'
# names ("the character list", "tests", "while you watch", "question_mark"). They name no one and
# nothing on their own; the whole group names and thread titles are still checked as phrases.
ORDINARY = frozenset("""
    list tests test watch young hospital secret truth police sites hunt viral circle crew agency
    lawyers shooting mark grace pointing
""".split())


def _words(texts) -> set[str]:
    return {w.lower() for t in texts for w in re.findall(r"[^\W\d_]+", t)}


def _seen_at(view: View) -> list[str]:
    """Every piece of text a viewer at ``view`` may read."""
    out = [view.show_title]
    for c in view.characters:
        out += [c.name, *c.aliases, *c.groups, c.actor or "", c.role or "", c.status or ""]
        out += [f.text for f in c.facts]
    for r in view.relationships:
        out += [r.label, *(h.text for h in r.history)]
    for t in view.threads:
        out += [t.title, *(i.text for i in t.titles), *(b.text for b in t.beats)]
    for e in view.episodes:
        out += [e.title or "", *(i.text for i in e.recap)]
    return out


def _later_names(view: View) -> list[str]:
    """Names, aliases, actors, groups and thread titles known at ``view``."""
    out = []
    for c in view.characters:
        out += [c.name, *c.aliases, *c.groups, *([c.actor] if c.actor else [])]
    for t in view.threads:
        out += [t.title, *(i.text for i in t.titles)]
    return out


@lru_cache(maxsize=1)
def spoilers() -> tuple[frozenset[str], frozenset[str]]:
    """(words, phrases) the shipped pack reveals only after the first episode's opening."""
    pack = load_pack()
    opening, finale = View(pack, OPENING), View(pack, Position(pack.episode_count, "end"))
    known = _seen_at(opening)
    known_words = _words(known)
    known_phrases = {k.lower() for k in known}
    later = [t for t in _later_names(finale) if t.lower() not in known_phrases]
    words = {w for w in _words(later) if len(w) >= 4} - known_words - ORDINARY
    # a phrase made only of short words ("The One") is ordinary English; it is not checked
    phrases = {" ".join(t.lower().split()) for t in later
               if any(len(w) >= 4 for w in _words([t]))}
    return frozenset(words), frozenset(phrases)


def _found(text: str) -> list[str]:
    words, phrases = spoilers()
    low = " ".join(text.lower().split())
    present = _words([text])
    hits = sorted(w for w in words if w in present)
    hits += sorted(p for p in phrases
                   if re.search(r"(?<![^\W_])" + re.escape(p) + r"(?![^\W_])", low))
    return hits


def test_the_word_list_comes_from_the_pack_and_is_not_empty():
    words, phrases = spoilers()
    assert len(words) >= 10 and len(phrases) >= 10
    opening = _words(_seen_at(View(load_pack(), OPENING)))
    assert not words & opening
    assert all(len(w) >= 4 for w in words)


DOCS = sorted(
    [ROOT / "README.md", ROOT / "data" / "README.md", *(ROOT / "docs").glob("*.md")]
)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_document_names_nothing_beyond_the_first_episodes_opening(path):
    assert _found(path.read_text(encoding="utf-8")) == [], path


def test_every_picture_the_readme_shows_names_nothing_beyond_the_opening():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", readme)
    assert pictures, "the README shows no picture any more: drop or change this test"
    for picture in pictures:
        assert picture.endswith(".svg"), f"{picture}: only SVG pictures can be checked for text"
        svg = (ROOT / picture).read_text(encoding="utf-8")
        text = html.unescape(" ".join(re.findall(r">([^<>]+)<", svg)))
        assert _found(text) == [], picture


def test_the_package_description_names_nothing_beyond_the_opening():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert _found(meta.get("description", "")) == []


def _help(*args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "runaway_companion", *args, "--help"],
                         capture_output=True, text=True, timeout=60,
                         env=dict(os.environ, COLUMNS="200"))
    assert out.returncode == 0, (args, out.stderr)
    return out.stdout


def _subcommands(help_text: str) -> list[str]:
    """The sub-commands a help page lists (its indented ``name  description`` lines)."""
    section = help_text.split("positional arguments:", 1)[-1].split("options:", 1)[0]
    return re.findall(r"^    ([a-z][a-z-]*)\s{2,}\S", section, flags=re.M)


def test_every_help_page_names_nothing_beyond_the_opening():
    pages, todo = {}, [()]
    while todo:
        args = todo.pop()
        text = pages[args] = _help(*args)
        if len(args) < 2:
            todo += [(*args, sub) for sub in _subcommands(text)]
    assert len(pages) > 8 and ("show", "characters") in pages, sorted(pages)
    found = {" ".join(args) or "companion": _found(text) for args, text in pages.items()}
    assert {k: v for k, v in found.items() if v} == {}


def _whole_suite_ids(session) -> list[str] | None:
    """This run's test ids, if it collected the whole suite (every test file, nothing
    deselected): then the ids are already here, without collecting everything again."""
    option = session.config.option
    if getattr(option, "keyword", "") or getattr(option, "markexpr", "") \
            or getattr(option, "deselect", None):
        return None
    files = {Path(str(item.path)).resolve() for item in session.items}
    every = {p.resolve() for p in (ROOT / "tests").rglob("test_*.py")}
    if files != every:
        return None
    return [item.nodeid for item in session.items]


def test_test_ids_tell_no_story(tmp_path, request):
    ids = _whole_suite_ids(request.session)
    if ids is None:  # a part of the suite runs: collect all of it
        out = subprocess.run(
            [sys.executable, "-m", "pytest", str(ROOT), "--collect-only", "-q",
             "-p", "no:cacheprovider", "-o", "addopts=", "-p", "no:randomly"],
            capture_output=True, text=True, timeout=300, cwd=tmp_path)
        ids = [line for line in out.stdout.splitlines() if "::" in line]
        assert len(ids) > 100, out.stdout[-2000:] + out.stderr[-2000:]
    assert len(ids) > 100
    told = {i: _found(i.replace("_", " ")) for i in ids}
    assert {i: hits for i, hits in told.items() if hits} == {}
