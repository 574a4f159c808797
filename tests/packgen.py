"""Generated packs for the fuzz and property tests: valid by construction, as YAML-ready data.

``make_pack(rnd)`` returns ``{file name: document}`` (plain dicts and lists) that the loader must
accept; ``write_pack`` dumps it in a random YAML style. Every text carries a unique token
(``T17``), so "is this hidden text on screen?" is an exact question. ``MUTATIONS`` each break a
copy of such a pack in one place, the way an author (or an attacker) might.
"""
from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any, Callable

import yaml

from runaway_companion.progress import REVEAL_CHECKPOINTS, Position

try:  # libyaml's emitter and reader: ten times the pure ones, and the tests use a lot of both
    from yaml import CSafeDumper as _Dumper
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

FILES = ("show.yaml", "characters.yaml", "relationships.yaml", "threads.yaml", "sources.yaml")

WORDS = ("lake", "car", "door", "Mercy", "river", "dog", "phone", "night", "ring", "letter",
         "motel", "cult", "gun", "photo", "Bob", "note", "key", "road", "storm", "doctor")
# text an author might paste in: accents, CJK, RTL, combining marks, zero-width, emoji,
# and Rich/Textual markup lookalikes (a name must never be read as markup)
ODD = ("é", "ß", "İ", "ﬁ", "Ω", "中文", "עברית", "e\u0301", "\u200b", "🙂", "👩‍👩‍👧", "\u00a0",
       "[bold]", "[/]", "[/x]", "[link=x]", "$var", "{x}", "%s", "\\n", "'", '"', "…", "—")


def reveal_keys(episodes: int) -> list[int]:
    return [Position(e, cp).key for e in range(1, episodes + 1) for cp in REVEAL_CHECKPOINTS]


def at(key: int) -> str:
    return str(Position.from_key(key))


class _Gen:
    def __init__(self, rnd: random.Random, odd: bool):
        self.rnd = rnd
        self.odd = odd
        self.count = 0
        self.cited: set[str] = set()

    def text(self, prefix: str = "T") -> str:
        self.count += 1
        words = [self.rnd.choice(WORDS) for _ in range(self.rnd.randint(1, 4))]
        if self.odd and self.rnd.random() < 0.5:
            words.insert(self.rnd.randint(0, len(words)), self.rnd.choice(ODD))
        return f"{prefix}{self.count} " + " ".join(words)

    def sources(self, pool: list[str]) -> list[str]:
        key = self.rnd.choice(pool)
        self.cited.add(key)
        return [key]


def make_pack(rnd: random.Random, odd: bool = False, max_episodes: int = 4,
              max_characters: int = 5) -> dict[str, Any]:
    """A valid pack (every rule of the loader respected), as ``{file: document}``."""
    g = _Gen(rnd, odd)
    n = rnd.randint(1, max_episodes)
    keys = reveal_keys(n)
    pool = ["S1", "S2"] if rnd.random() < 0.5 else ["S1"]

    def from_(floor: int) -> int:
        return rnd.choice([k for k in keys if k >= floor])

    def ordered(floor: int, count: int) -> list[int]:
        return sorted(from_(floor) for _ in range(count))

    def item(field: str, key: int, **extra: Any) -> dict[str, Any]:
        out: dict[str, Any] = {field: g.text(), "at": at(key), "sources": g.sources(pool)}
        if rnd.random() < 0.1:
            out["confidence"] = "low"
        out.update(extra)
        return out

    episodes = []
    for number in range(1, n + 1):
        ep: dict[str, Any] = {"number": number}
        if rnd.random() < 0.8:
            ep["title"] = {"text": g.text("Title"), "sources": g.sources(pool)}
        cps = sorted(rnd.choices(range(len(REVEAL_CHECKPOINTS)), k=rnd.randint(0, 3)))
        if cps:
            ep["recap"] = [{"at": REVEAL_CHECKPOINTS[c], "text": g.text("Recap"),
                            "sources": g.sources(pool)} for c in cps]
        episodes.append(ep)
    show = {"id": "gen", "title": "Generated Show", "episodes": episodes}

    characters, appears = [], {}
    for i in range(rnd.randint(0, max_characters)):
        cid = f"c{i}"
        a = rnd.choice(keys)
        appears[cid] = a
        ch: dict[str, Any] = {"id": cid, "appears": {"at": at(a), "sources": g.sources(pool)}}
        names = [item("name", a)]
        for k in ordered(a, rnd.randint(0, 2)):
            names.append(item("name", k, **({"kind": "alias"} if rnd.random() < 0.5 else {})))
        ch["names"] = names
        if rnd.random() < 0.5:
            ch["actor"] = item("name", from_(a))
        for key, field, is_ordered in (("groups", "group", False), ("roles", "text", True),
                                       ("statuses", "text", True), ("facts", "text", False)):
            count = rnd.randint(0, 3)
            if count:
                ks = ordered(a, count) if is_ordered else [from_(a) for _ in range(count)]
                ch[key] = [item(field, k) for k in ks]
        characters.append(ch)

    relationships = []
    ids = list(appears)
    for i in range(rnd.randint(0, 4) if len(ids) >= 2 else 0):
        x, y = rnd.sample(ids, 2)
        floor = max(appears[x], appears[y])
        stages = ordered(floor, rnd.randint(1, 3))
        rel: dict[str, Any] = {"id": f"r{i}", "between": [x, y],
                               "stages": [item("label", k) for k in stages]}
        history = [from_(stages[0]) for _ in range(rnd.randint(0, 2))]
        if history:
            rel["history"] = [item("text", k) for k in history]
        relationships.append(rel)

    threads = []
    for i in range(rnd.randint(0, 3)):
        titles = ordered(rnd.choice(keys), rnd.randint(1, 2))
        thr: dict[str, Any] = {"id": f"t{i}", "titles": [item("text", k) for k in titles]}
        beats = ordered(titles[0], rnd.randint(0, 3))
        if beats:
            thr["beats"] = [item("text", k) for k in beats]
        if rnd.random() < 0.4:
            thr["resolved"] = item("text", from_(max([titles[0], *beats])))
        threads.append(thr)

    if not g.cited:  # a show with nothing dated still needs its one source cited
        show["episodes"][0]["title"] = {"text": g.text("Title"), "sources": ["S1"]}
        g.cited.add("S1")
    sources = {key: {"url": f"https://example.org/{key.lower()}", "outlet": f"Outlet {key}",
                     "at": "1:early"}
               for key in pool if key in g.cited}
    return {"show.yaml": show, "characters.yaml": {"characters": characters},
            "relationships.yaml": {"relationships": relationships},
            "threads.yaml": {"threads": threads}, "sources.yaml": {"sources": sources}}


def load(text: str | bytes) -> Any:
    """``yaml.safe_load`` by libyaml (the same values; a test reading back a pack it wrote)."""
    return yaml.load(text, Loader=_Loader)


def dump(doc: Any, rnd: random.Random | None = None) -> str:
    """YAML text for ``doc`` in one of several styles (block, flow, unicode or escaped)."""
    rnd = rnd or random.Random(0)
    style = dict(sort_keys=False, allow_unicode=rnd.random() < 0.7,
                 default_flow_style=rnd.choice([False, None, True]),
                 width=rnd.choice([80, 200, 10_000]))
    try:
        return yaml.dump(doc, Dumper=_Dumper, **style)
    except UnicodeEncodeError:  # a lone surrogate: only the pure emitter writes one
        return yaml.dump(doc, Dumper=yaml.SafeDumper, **style)


def write_pack(directory: Path, docs: dict[str, Any], rnd: random.Random | None = None,
               raw: dict[str, str | bytes] | None = None) -> Path:
    """Write ``docs`` as a pack folder (``raw`` replaces some files' text outright)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        text = (raw or {}).get(name)
        if text is None:
            text = dump(docs[name], rnd)
        path = directory / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return directory


# ---------------------------------------------------------------------------------------
# one-place mutations: each returns (file it touched, must the loader refuse it?)

def _walk(node: Any, file: str, out: list) -> None:
    """(file, container, key) of every value in a document."""
    if isinstance(node, dict):
        for key in list(node):
            out.append((file, node, key))
            _walk(node[key], file, out)
    elif isinstance(node, list):
        for i in range(len(node)):
            out.append((file, node, i))
            _walk(node[i], file, out)


def _places(docs: dict[str, Any], want: Callable[[Any, Any, Any], bool] = lambda c, k, v: True):
    out: list = []
    for name in FILES:
        _walk(docs[name], name, out)
    return [(f, c, k) for f, c, k in out if want(c, k, c[k])]


WRONG_TYPES = (42, 3.5, True, None, [], {}, ["x"], {"a": 1}, -1, 10**30, "text")
UNKNOWN_KEYS = ("tilte", "extra", "x-y", "ID", "__duplicates__", 42, "names\n", "é")
BAD_ATS = ("0:early", "1:start", "1:soon", "early", "1", "", "1:early:late", "1-early", 3,
           "1:END", "E1:end", "1" * 5000 + ":end", "-1:end", "1.5:end", "99:end")
BAD_RECAP_ATS = ("start", "soon", "1:end", 5, "END", "")


def mutate(docs: dict[str, Any], rnd: random.Random, kind: str) -> tuple[str | None, bool]:
    """Break ``docs`` in place in one way; returns (file touched, must be refused)."""
    places = _places(docs)
    if kind == "wrong-type":
        f, c, k = rnd.choice(places)
        c[k] = copy.deepcopy(rnd.choice(WRONG_TYPES))
        return f, False
    if kind == "unknown-key":
        maps = _places(docs, lambda c, k, v: isinstance(v, dict))
        f, c, k = rnd.choice(maps)
        c[k][rnd.choice(UNKNOWN_KEYS)] = rnd.choice(["x", 1, None, [1]])
        return f, True
    if kind == "bad-at":
        ats = _places(docs, lambda c, k, v: k == "at")
        if not ats:
            return None, False
        f, c, k = rnd.choice(ats)
        c[k] = rnd.choice(BAD_RECAP_ATS if c[k] in REVEAL_CHECKPOINTS else BAD_ATS)
        return f, True
    if kind == "no-at":
        ats = _places(docs, lambda c, k, v: k == "at")
        if not ats:
            return None, False
        f, c, k = rnd.choice(ats)
        del c[k]
        return f, True
    if kind == "duplicate-id":
        groups = [(f, docs[f][key]) for f, key in (("characters.yaml", "characters"),
                                                    ("relationships.yaml", "relationships"),
                                                    ("threads.yaml", "threads"))
                  if len(docs[f][key]) >= 2]
        if not groups or rnd.random() < 0.2:
            eps = docs["show.yaml"]["episodes"]
            if len(eps) < 2:
                return None, False
            eps[1]["number"] = eps[0]["number"]
            return "show.yaml", True
        f, entries = rnd.choice(groups)
        i, j = rnd.sample(range(len(entries)), 2)
        entries[j]["id"] = entries[i]["id"]
        return f, True
    if kind == "dangling":
        rels = docs["relationships.yaml"]["relationships"]
        srcs = _places(docs, lambda c, k, v: k == "sources" and isinstance(v, list))
        if rels and rnd.random() < 0.5:
            rnd.choice(rels)["between"][rnd.randint(0, 1)] = "nobody-" + str(rnd.randint(0, 9))
            return "relationships.yaml", True
        f, c, k = rnd.choice(srcs)
        c[k] = ["S9"]
        return f, True
    if kind == "huge-string":
        strings = _places(docs, lambda c, k, v: isinstance(v, str))
        f, c, k = rnd.choice(strings)
        c[k] = rnd.choice("xé中") * rnd.choice([2001, 5000, 200_000]) + "x"
        return f, True
    if kind == "unicode":
        strings = _places(docs, lambda c, k, v: isinstance(v, str) and k not in ("at", "id"))
        f, c, k = rnd.choice(strings)
        c[k] = "".join(chr(rnd.choice([rnd.randint(0x20, 0x7e), rnd.randint(0xa0, 0x2fff),
                                       rnd.randint(0x1f300, 0x1faff), 0x202e, 0x200d, 0xfeff,
                                       0x85, 0x2028, 0xd800]))
                       for _ in range(rnd.randint(1, 30)))
        return f, False
    if kind == "deep":
        f, c, k = rnd.choice(places)
        node: Any = "x"
        for _ in range(rnd.randint(41, 200)):
            node = [node]
        c[k] = node
        return f, True
    if kind == "remove-key":
        f, c, k = rnd.choice([p for p in places if isinstance(p[1], dict)])
        del c[k]
        return f, False
    if kind == "shared":  # the same object twice: safe_dump writes an anchor and an alias
        f, c, k = rnd.choice(places)
        _g, c2, k2 = rnd.choice(places)
        c[k] = c2[k2]
        return f, False
    if kind == "alias-bomb":
        bomb: Any = ["lol"] * 10
        for _ in range(rnd.randint(5, 9)):
            bomb = [bomb] * 10
        f, c, k = rnd.choice(places)
        c[k] = bomb
        return f, True
    raise ValueError(kind)


MUTATION_KINDS = ("wrong-type", "unknown-key", "bad-at", "no-at", "duplicate-id", "dangling",
                  "huge-string", "unicode", "deep", "remove-key", "shared", "alias-bomb")
