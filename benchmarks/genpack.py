"""Synthetic packs shaped like the real *Run Away* pack, at any multiple of its size.

    python -m benchmarks.genpack OUT_DIR --scale 100      # writes OUT_DIR/{show,characters,…}.yaml

At scale 1 a pack has what the shipped pack has (8 episodes, 32 characters with ~140 card facts,
42 relationships, 10 threads, 60 sources — the :data:`BASE` shape below); at scale ``k`` every
count is ``k`` times that, except episodes, which grow as ``8·√k`` (25 at 10×, 80 at 100×) because
a show gets longer far more slowly than its cast grows. Everything is written in the format of
data/README.md and obeys every rule the validator checks (dated entries in order, nothing before
the character appears, beats after the thread opens, every source cited…), so ``companion
validate`` passes — as long as the files fit the loader's size limits (2 MB and 100,000 YAML
nodes per file); the 100× pack does not, see benchmarks/README.md.

Deterministic: the same scale and seed give byte-identical files.
"""
from __future__ import annotations

import argparse
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

CHECKPOINTS = ("start", "early", "mid", "late", "end")
STEPS = len(CHECKPOINTS)


@dataclass(frozen=True)
class Shape:
    """Counts at scale 1 (measured on data/run-away when this was written)."""

    episodes: int = 8
    characters: int = 32
    alias_share: float = 0.07  # characters with an alias (34 names for 32 characters)
    actor_share: float = 0.66
    groups_per_character: float = 1.12
    roles_per_character: float = 1.4
    statuses_per_character: float = 0.72
    facts_per_character: float = 4.4
    relationships: int = 42
    stages_per_relationship: float = 1.43
    history_per_relationship: float = 1.52
    threads: int = 10
    titles_per_thread: float = 1.1
    beats_per_thread: float = 5.0
    resolved_share: float = 0.8
    recap_per_episode: float = 5.5  # at scale 1; scales with k / episode growth
    titled_share: float = 0.4
    sources: int = 60


BASE = Shape()

_WORDS = (
    "search daughter park busking dealer basement hospital coma detective lawyer cult compound "
    "list killer sister brother father mother friend police report message phone camera clip "
    "building flat night money secret test result truth lie letter car road house school "
    "university student doctor nurse surgery witness suspect alibi motive trail sighting raid "
    "promise debt warning threat rescue escape return memory photo record file evidence café "
    "£10,000 reunion funeral wedding farm forest river bridge station office shop market"
).split()
_FIRST = ("Simon Ingrid Paige Sam Anya Yvonne Aaron Cornelius Rocco Luther Elena Lou Ash Dee "
          "Isabella Fagbenle Todd Henry Kevin Ryan Sebastian Casper Mother Adiona Jessica Dave "
          "Zoë Renée Björn Siobhán Nkechi Mateus").split()
_LAST = ("Greene Previdi Corval Faber Ravenscroft Thorpe Lambert Gorman Parker Bell Divine "
         "Okafor Novak O'Neill Müller Kowalski Haddad Lindqvist Moreau Tanaka Rossi Byrne").split()
_GROUPS = ("The Greene family", "Paige's world", "Rocco's crew", "Informants", "Bystanders",
           "The police", "The cult", "Hospital", "The assassins", "Lanford University",
           "The press", "Lawyers")


def _key(episode: int, checkpoint: int) -> int:
    return episode * STEPS + checkpoint


def _at(key: int) -> str:
    return f"{key // STEPS}:{CHECKPOINTS[key % STEPS]}"


class _Gen:
    def __init__(self, scale: float, seed: int):
        self.k = float(scale)
        self.rng = random.Random(f"companion-genpack-{scale}-{seed}")
        self.episodes = max(1, round(BASE.episodes * math.sqrt(self.k)))
        self.first_key = _key(1, 1)
        self.last_key = _key(self.episodes, STEPS - 1)
        self.sources = [f"S{i:05d}" for i in range(1, max(1, round(BASE.sources * self.k)) + 1)]
        self._unused = list(self.sources)  # cited first, so every source is used

    # --- helpers --------------------------------------------------------------------------
    def count(self, mean: float, cap: int = 60) -> int:
        """A non-negative count with the given mean (geometric-ish spread, capped)."""
        whole = int(mean)
        extra = 1 if self.rng.random() < mean - whole else 0
        base = whole + extra
        if base >= 2 and self.rng.random() < 0.3:  # a few leads get a lot more
            base += self.rng.randint(0, base * 2)
        return min(base, cap)

    def at_after(self, floor: int) -> int:
        """A reveal key at or after ``floor`` (never a 'start')."""
        key = self.rng.randint(floor, self.last_key)
        if key % STEPS == 0:
            key += 1
        return min(key, self.last_key)

    def ordered_after(self, floor: int, n: int) -> list[int]:
        return sorted(self.at_after(floor) for _ in range(n))

    def early_bias_key(self) -> int:
        """When someone/something first appears: mostly early in the show."""
        episode = 1 + int((self.episodes - 1) * self.rng.random() ** 2)
        return _key(episode, self.rng.randint(1, STEPS - 1))

    def srcs(self) -> str:
        picked: list[str] = []
        if self._unused:
            picked.append(self._unused.pop())
        while not picked or (len(picked) < 3 and self.rng.random() < 0.45):
            s = self.rng.choice(self.sources)
            if s not in picked:
                picked.append(s)
        return "[" + ", ".join(picked) + "]"

    def text(self, words: int) -> str:
        n = max(1, words + self.rng.randint(-words // 3, words // 3))
        body = " ".join(self.rng.choice(_WORDS) for _ in range(n))
        return body[0].upper() + body[1:] + "."

    def conf(self) -> str:
        return ", confidence: low" if self.rng.random() < 0.05 else ""

    @staticmethod
    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a valid YAML double-quoted scalar

    def entry(self, field: str, text: str, key: int, extra: str = "") -> str:
        return (f"{{{field}: {self.q(text)}{extra}, at: \"{_at(key)}\", "
                f"sources: {self.srcs()}{self.conf()}}}")

    # --- files ----------------------------------------------------------------------------
    def characters(self) -> tuple[str, list[tuple[str, int]]]:
        n = max(2, round(BASE.characters * self.k))
        out = ["# Synthetic characters (benchmarks/genpack.py)", "characters:"]
        made: list[tuple[str, int]] = []
        for i in range(1, n + 1):
            cid = f"c{i:05d}"
            appears = self.early_bias_key()
            made.append((cid, appears))
            name = f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)} {i}"
            out.append(f"  - id: {cid}")
            out.append(f"    appears: {{at: \"{_at(appears)}\", sources: {self.srcs()}}}")
            out.append("    names:")
            out.append("      - " + self.entry("name", name, appears))
            if self.rng.random() < BASE.alias_share:
                kind = "name" if self.rng.random() < 0.5 else "alias"
                out.append("      - " + self.entry("name", f"{self.rng.choice(_FIRST)} {i}",
                                                   self.at_after(appears), f", kind: {kind}"))
            if self.rng.random() < BASE.actor_share:
                out.append("    actor: " + self.entry(
                    "name", f"{self.rng.choice(_FIRST)} {self.rng.choice(_LAST)}",
                    self.at_after(appears)))
            groups = self.count(BASE.groups_per_character, 4)
            if groups:
                out.append("    groups:")
                for key in self.ordered_after(appears, groups):
                    out.append("      - " + self.entry("group", self.rng.choice(_GROUPS), key))
            roles = max(1, self.count(BASE.roles_per_character, 6))
            out.append("    roles:")
            for key in self.ordered_after(appears, roles):
                out.append("      - " + self.entry("text", self.text(8), key))
            statuses = self.count(BASE.statuses_per_character, 6)
            if statuses:
                out.append("    statuses:")
                for key in self.ordered_after(appears, statuses):
                    out.append("      - " + self.entry("text", self.text(3), key))
            facts = self.count(BASE.facts_per_character, 40)
            if facts:
                out.append("    facts:")
                for key in self.ordered_after(appears, facts):
                    out.append("      - " + self.entry("text", self.text(15), key))
        return "\n".join(out) + "\n", made

    def relationships(self, chars: list[tuple[str, int]]) -> str:
        n = round(BASE.relationships * self.k)
        out = ["# Synthetic relationships (benchmarks/genpack.py)", "relationships:"]
        seen: set[tuple[str, str]] = set()
        i = 0
        while i < n and len(seen) < len(chars) * (len(chars) - 1) // 2:
            (a, a_at), (b, b_at) = self.rng.sample(chars, 2)
            pair = (min(a, b), max(a, b))
            if pair in seen:
                continue
            seen.add(pair)
            i += 1
            floor = max(a_at, b_at)
            stages = self.ordered_after(floor, max(1, self.count(BASE.stages_per_relationship, 5)))
            out.append(f"  - id: r{i:05d}")
            out.append(f"    between: [{a}, {b}]")
            out.append("    stages:")
            for key in stages:
                out.append("      - " + self.entry("label", self.text(4), key))
            history = self.count(BASE.history_per_relationship, 10)
            if history:
                out.append("    history:")
                for key in self.ordered_after(stages[0], history):
                    out.append("      - " + self.entry("text", self.text(12), key))
        return "\n".join(out) + "\n"

    def threads(self) -> str:
        n = max(1, round(BASE.threads * self.k))
        out = ["# Synthetic threads (benchmarks/genpack.py)", "threads:"]
        for i in range(1, n + 1):
            opens = self.early_bias_key()
            titles = [opens] + self.ordered_after(
                opens, max(0, self.count(BASE.titles_per_thread, 3) - 1))
            out.append(f"  - id: t{i:05d}")
            out.append("    titles:")
            for key in titles:
                out.append("      - " + self.entry("text", self.text(5), key))
            beats = self.ordered_after(opens, self.count(BASE.beats_per_thread, 20))
            if beats:
                out.append("    beats:")
                for key in beats:
                    out.append("      - " + self.entry("text", self.text(14), key))
            if self.rng.random() < BASE.resolved_share:
                floor = max([opens, *beats])
                out.append("    resolved: " + self.entry("text", self.text(12),
                                                          self.at_after(floor)))
        return "\n".join(out) + "\n"

    def show(self) -> str:
        out = ["# Synthetic show (benchmarks/genpack.py)", f"id: synthetic-{self.k:g}x",
               f"title: {self.q(f'Synthetic show ({self.k:g}× Run Away)')}"]
        if self.episodes > BASE.episodes:  # a long show has seasons of ten (80 episodes: eight)
            full, rest = divmod(self.episodes, 10)
            out.append(f"seasons: {[10] * full + ([rest] if rest else [])}")
        out.append("episodes:")
        per_episode = BASE.recap_per_episode * self.k * BASE.episodes / self.episodes
        for e in range(1, self.episodes + 1):
            out.append(f"  - number: {e}")
            if self.rng.random() < BASE.titled_share:
                out.append(f"    title: {{text: {self.q(self.text(3))}, sources: {self.srcs()}}}")
            beats = sorted(self.rng.randint(1, STEPS - 1)
                           for _ in range(self.count(per_episode, 400)))
            if not beats:
                out.append("    recap: []")
                continue
            out.append("    recap:")
            for cp in beats:
                out.append(f"      - {{at: {CHECKPOINTS[cp]}, text: {self.q(self.text(25))}, "
                           f"sources: {self.srcs()}{self.conf()}}}")
        return "\n".join(out) + "\n"

    def sources_yaml(self) -> str:
        out = ["# Synthetic sources (benchmarks/genpack.py)", "sources:"]
        for key in self.sources:
            out.append(f"  {key}: {{url: \"https://example.org/{key.lower()}\", "
                       f"outlet: \"Outlet {key}\", at: \"1:early\"}}")
        return "\n".join(out) + "\n"


def generate(out_dir: str | Path, scale: float = 1, seed: int = 0) -> Path:
    """Write a synthetic pack ``scale`` times the real one into ``out_dir``; return the folder."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gen = _Gen(scale, seed)
    characters, made = gen.characters()
    files = {
        "characters.yaml": characters,
        "relationships.yaml": gen.relationships(made),
        "threads.yaml": gen.threads(),
        "show.yaml": gen.show(),
    }
    # every source must be cited: hand the ones still unused to the first recap beats
    leftovers = gen._unused
    if leftovers:
        lines = files["show.yaml"].splitlines()
        extra = iter(leftovers)
        for i, line in enumerate(lines):
            if line.startswith("      - {at:") and "sources: [" in line:
                key = next(extra, None)
                if key is None:
                    break
                lines[i] = line.replace("sources: [", f"sources: [{key}, ", 1)
        remaining = list(extra)
        if remaining:  # more sources than recap beats: cite them from the first episode title
            for i, line in enumerate(lines):
                if line.startswith("  - number: 1"):
                    lines.insert(i + 1, f"    title: {{text: \"Pilot\", sources: "
                                        f"[{', '.join(remaining)}]}}")
                    break
        files["show.yaml"] = "\n".join(lines) + "\n"
        gen._unused = []
    files["sources.yaml"] = gen.sources_yaml()
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic pack k× the real one.")
    parser.add_argument("out_dir")
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    path = generate(args.out_dir, args.scale, args.seed)
    sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e3:,.0f} kB" for p in sorted(path.iterdir()))
    print(f"wrote {path} ({sizes})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
