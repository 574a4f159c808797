"""From parsed trees to the model: ``build_pack`` checks each of the five files against the
format (:mod:`runaway_companion.packcheck`), then the rules across files, and raises
:class:`PackError` with every problem found, sorted by file and line.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

from runaway_companion.clock import ClockError, parse_runtime
from runaway_companion.model import Character, Episode, Item, Pack, Relationship, Source, Thread
from runaway_companion.packcheck import (FILES, ID_RE, MAX_EPISODES, Ctx, as_list, check_keys,
                                         close_matches, dated_item, dated_items, is_map,
                                         line_of_item, not_before, own_id, parse_at, reveal_only,
                                         short, source_words, stage_items, text_of,
                                         top_level, typename)
from runaway_companion.progress import REVEAL_CHECKPOINTS, Position, Seasons
from runaway_companion.yamltree import PackError, YList, YMap


class _Sources(NamedTuple):
    raw: Any                    # the sources.yaml mapping (None if the file is unusable)
    file: str
    by_key: dict[str, Source]   # the usable sources
    lines: dict[str, int]       # where each usable source is defined
    checks: list[tuple[str, int, str, str | None, Position]]  # (key, line, url, title, at)


def build_pack(docs: dict[str, Any], path: Path) -> Pack:
    """The model from the five parsed files; every problem in one PackError, in file order."""
    ctx = Ctx(None)
    pack_dir = Path(path)
    show_id, title, episodes, show_ids = _show(ctx, docs, pack_dir)  # first: sets ctx.episodes
    sources = _sources(ctx, docs, pack_dir)
    characters, char_ids = _characters(ctx, docs, pack_dir)
    relationships = _relationships(ctx, docs, pack_dir, char_ids)
    threads = _threads(ctx, docs, pack_dir)
    _cross_file_sources(ctx, sources, title, episodes, characters, relationships, threads)
    if ctx.problems:
        raise PackError(sorted(ctx.problems, key=lambda p: (FILES.index(Path(p.file).name)
                                                            if Path(p.file).name in FILES else 9,
                                                            p.line)))
    return Pack(show_id, title, tuple(episodes), tuple(characters), tuple(relationships),
                tuple(threads), sources.by_key, pack_dir, show_ids, ctx.seasons)


def _show(ctx: Ctx, docs: dict[str, Any], pack_dir: Path
          ) -> tuple[str, str, list[Episode], tuple[tuple[str, str], ...]]:
    """show.yaml: the id, the title, the external ids and the episodes with their titles,
    recaps and external ids."""
    show, show_file = top_level(ctx, docs, pack_dir, "show.yaml", None)
    show_id, title, episodes, show_ids = "", "", [], ()
    if show is not None:
        check_keys(ctx, show_file, show, "show", ("id", "title", "episodes"), ("ids", "seasons"))
        show_ids = _external_ids(ctx, show_file, show, "show")
        show_id = text_of(ctx, show_file, show, "id", "show") or "" if "id" in show else ""
        title = text_of(ctx, show_file, show, "title", "show") or "" if "title" in show else ""
        raw_eps = as_list(ctx, show_file, show.get("episodes"), show.line_of("episodes"), "show: 'episodes'")
        numbers = [e.get("number") for e in raw_eps if isinstance(e, YMap)]
        valid = [n for n in numbers if isinstance(n, int) and not isinstance(n, bool)
                 and n <= MAX_EPISODES]
        ctx.episodes = max(valid) if valid else 0
        if not raw_eps and "episodes" in show:
            ctx.add(show_file, show.line_of("episodes"), "show: no episodes", "list at least one episode")
        seen: set[int] = set()
        for i, ep in enumerate(raw_eps):
            line = line_of_item(raw_eps, i, raw_eps.line)
            where = f"episode[{i + 1}]"
            if not is_map(ctx, show_file, ep, line, where):
                continue
            check_keys(ctx, show_file, ep, where, ("number",), ("title", "recap", "runtime", "ids"))
            number = ep.get("number")
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                if "number" in ep:
                    ctx.add(show_file, ep.line_of("number"), f"{where}: number {number!r} is not a "
                            "whole number from 1", "number episodes 1, 2, 3…")
                continue
            if number > MAX_EPISODES:
                ctx.add(show_file, ep.line_of("number"), f"{where}: number {number} is more than "
                        f"{MAX_EPISODES:,}", "number episodes 1, 2, 3…")
                continue
            if number in seen:
                ctx.add(show_file, ep.line_of("number"), f"duplicate episode number {number}",
                        "each episode number appears once")
                continue
            seen.add(number)
            where = f"episode {number}"
            ep_title = None
            if ep.get("title") is not None:
                ep_title = dated_item(ctx, show_file, ep["title"], ep.line_of("title"), f"{where} title",
                                 "text", at_value=Position(number, "early"))
            recap: list[Item] = []
            seq = as_list(ctx, show_file, ep.get("recap"), ep.line_of("recap"), f"{where}: 'recap'")
            for j, beat in enumerate(seq):
                bline = line_of_item(seq, j, seq.line)
                bwhere = f"{where} recap[{j + 1}]"
                at = None
                if isinstance(beat, YMap) and "at" in beat:
                    cp = beat["at"]
                    if cp in REVEAL_CHECKPOINTS:
                        at = Position(number, cp)
                    else:
                        ctx.add(show_file, beat.line_of("at"), f"{bwhere}: '{cp}' is not a checkpoint",
                                f"inside an episode write at: {' | '.join(REVEAL_CHECKPOINTS)}")
                        at = Position(number, "end")
                item = dated_item(ctx, show_file, beat, bline, bwhere, "text", at_value=at,
                             at_given=True) if at is not None else dated_item(
                    ctx, show_file, beat, bline, bwhere, "text")
                if item is not None:
                    if recap and item.at_key < recap[-1].at_key:
                        ctx.add(show_file, bline, f"{bwhere}: recap out of order — {item.at} "
                                f"after {recap[-1].at}", "list recap beats in order")
                    recap.append(item)
            runtime = None
            if ep.get("runtime") is not None:
                try:
                    runtime = parse_runtime(ep["runtime"])
                except ClockError:
                    ctx.add(show_file, ep.line_of("runtime"), f"{where}: runtime "
                            f"{ep['runtime']!r} is not a duration of up to a day",
                            "write whole minutes (runtime: 50) or h:mm:ss (runtime: \"0:50:00\")")
            episodes.append(Episode(number, ep_title, tuple(recap), runtime,
                                    _external_ids(ctx, show_file, ep, where)))
        if seen and sorted(seen) != list(range(1, max(seen) + 1)):
            missing = sorted(set(range(1, max(seen) + 1)) - seen)
            ctx.add(show_file, raw_eps.line, f"episodes are not numbered 1..{max(seen)} "
                    f"(missing {', '.join(map(str, missing))})", "number episodes without gaps")
        if show.get("seasons") is not None:
            ctx.seasons = _seasons(ctx, show_file, show, len(seen))
        if show_id and not ID_RE.match(show_id):
            ctx.add(show_file, show.line_of("id"), f"show id {show_id!r} is not a simple id",
                    "use lowercase letters, digits and '-'")
    episodes.sort(key=lambda e: e.number)
    return show_id, title, episodes, show_ids


def _seasons(ctx: Ctx, file: str, show: YMap, episodes: int) -> Seasons:
    """``seasons: [8, 10, 6]`` (optional): how many episodes each season has, in order; they add
    up to the episodes listed, which stay numbered 1..N across the whole show."""
    raw = show["seasons"]
    line = show.line_of("seasons")
    fix = "write seasons: [N, N, …], the number of episodes in each season, in order"
    if not isinstance(raw, YList) or not raw:
        ctx.add(file, line, f"show: 'seasons' must be a list of episode counts, not "
                f"{typename(raw)}", fix)
        return Seasons()
    counts = []
    for count in raw:
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_EPISODES:
            ctx.add(file, line, f"show: seasons has {count!r}, not a number of episodes", fix)
            return Seasons()
        counts.append(count)
    if episodes and sum(counts) != episodes:
        ctx.add(file, line, f"show: seasons add up to {sum(counts)} episodes, but "
                f"{episodes} are listed", "make the counts add up to the episodes listed")
        return Seasons()
    return Seasons(counts)


# external ids a show or an episode may carry, so other tools can match it: the key, and the
# shape of its value (an IMDb id is "tt" and digits; TMDB and TVDB ids are numbers, as text)
EXTERNAL_IDS = {
    "imdb": (re.compile(r"tt[0-9]{7,10}"), "an IMDb", '"tt" and 7 to 10 digits, e.g. "tt0000001"'),
    "tmdb": (re.compile(r"[0-9]{1,12}"), "a TMDB", 'digits, in quotes, e.g. "12345"'),
    "tvdb": (re.compile(r"[0-9]{1,12}"), "a TVDB", 'digits, in quotes, e.g. "12345"'),
}


def _external_ids(ctx: Ctx, file: str, node: YMap, where: str) -> tuple[tuple[str, str], ...]:
    """``ids: {imdb: "tt…", tmdb: "…", tvdb: "…"}`` (optional): each a string of its shape."""
    raw = node.get("ids")
    if raw is None:
        return ()
    if not is_map(ctx, file, raw, node.line_of("ids"), f"{where} ids"):
        return ()
    for key, line in raw.duplicates:
        ctx.add(file, line, f"{where} ids: key '{key}' given twice", "keep one of them")
    out = []
    for key, value in raw.items():
        line = raw.line_of(key)
        if key not in EXTERNAL_IDS:
            close = close_matches(str(key), list(EXTERNAL_IDS), n=1)
            ctx.add(file, line, f"{where} ids: unknown key '{key}'",
                    f"did you mean '{close[0]}'?" if close else
                    f"allowed keys: {', '.join(EXTERNAL_IDS)}")
            continue
        shape, kind, example = EXTERNAL_IDS[key]
        if not isinstance(value, str):
            ctx.add(file, line, f"{where} ids: {key} must be text, not {typename(value)}",
                    f"write {key}: in quotes — {example}")
        elif not shape.fullmatch(value):
            ctx.add(file, line, f"{where} ids: {key} {short(value)!r} is not {kind} id",
                    f"write {example}")
        else:
            out.append((str(key), value))
    return tuple(out)


def _sources(ctx: Ctx, docs: dict[str, Any], pack_dir: Path) -> _Sources:
    """sources.yaml: each source, dated like any other piece."""
    raw_sources, src_file = top_level(ctx, docs, pack_dir, "sources.yaml", "sources")
    sources: dict[str, Source] = {}
    source_lines: dict[str, int] = {}
    source_checks: list[tuple[str, int, str, str | None, Position]] = []
    if raw_sources is not None and is_map(ctx, src_file, raw_sources, 1, "sources"):
        for key, line in raw_sources.duplicates:
            ctx.add(src_file, line, f"duplicate source key '{key}'", "define each key once")
        for key, value in raw_sources.items():
            line = raw_sources.line_of(key)
            if not is_map(ctx, src_file, value, line, f"source '{key}'"):
                continue
            where = f"source '{key}'"
            check_keys(ctx, src_file, value, where, ("url", "outlet"), ("at", "title"))
            if value.get("at") is None:
                ctx.add(src_file, value.line, f"{where}: missing required field 'at'",
                        'add at: "E:checkpoint", the end of the latest episode the page covers '
                        '(8:end when unsure)')
            url = text_of(ctx, src_file, value, "url", where) if "url" in value else None
            outlet = text_of(ctx, src_file, value, "outlet", where) if "outlet" in value else None
            src_title = (text_of(ctx, src_file, value, "title", where)
                         if value.get("title") is not None else None)
            # a source is a dated piece too: the latest point its page covers
            src_at = (parse_at(ctx, src_file, value["at"], value.line_of("at"), where)
                      if value.get("at") is not None else None)
            if url and not re.match(r"^https?://", url):
                ctx.add(src_file, value.line_of("url"), f"source '{key}': url {url!r} is not a web address",
                        "write the full https:// address")
            if url and outlet and src_at is not None:
                sources[str(key)] = Source(str(key), url, outlet, src_at, src_at.key, src_title)
                source_lines[str(key)] = line
            if url is not None and src_at is not None:
                source_checks.append((str(key), line, url, src_title, src_at))
    return _Sources(raw_sources, src_file, sources, source_lines, source_checks)


def _characters(ctx: Ctx, docs: dict[str, Any], pack_dir: Path
                ) -> tuple[list[Character], dict[str, Character | None]]:
    """characters.yaml: each character, and every id defined (None where it is broken)."""
    raw_chars, char_file = top_level(ctx, docs, pack_dir, "characters.yaml", "characters")
    characters: list[Character] = []
    char_ids: dict[str, Character | None] = {}
    for i, ch in enumerate(as_list(ctx, char_file, raw_chars, 1, "characters")):
        line = line_of_item(raw_chars, i, 1)
        where = f"character[{i + 1}]"
        if not is_map(ctx, char_file, ch, line, where):
            continue
        if isinstance(ch.get("id"), str) and ID_RE.match(ch["id"]):
            where = f"character '{ch['id']}'"
        check_keys(ctx, char_file, ch, where, ("id", "appears", "names"),
              ("actor", "groups", "roles", "statuses", "facts"))
        cid = own_id(ctx, char_file, ch, where, "character", char_ids, ", e.g. dee-dee")
        appears = None
        if ch.get("appears") is not None:
            appears_map = ch["appears"]
            if isinstance(appears_map, YMap):
                appears = reveal_only(ctx, char_file, appears_map, f"{where} appears")
            else:
                is_map(ctx, char_file, appears_map, ch.line_of("appears"), f"{where} appears")
        names = dated_items(ctx, char_file, ch, "names", where, "name", ("name", "alias"), ordered=True)
        if "names" in ch and not names and isinstance(ch.get("names"), YList) and not ch["names"]:
            ctx.add(char_file, ch.line_of("names"), f"{where}: no names", "add at least one name")
        actor = None
        if ch.get("actor") is not None:
            actor = dated_item(ctx, char_file, ch["actor"], ch.line_of("actor"), f"{where} actor", "name")
        groups = dated_items(ctx, char_file, ch, "groups", where, "group")
        roles = dated_items(ctx, char_file, ch, "roles", where, "text", ordered=True)
        statuses = dated_items(ctx, char_file, ch, "statuses", where, "text", ordered=True)
        facts = dated_items(ctx, char_file, ch, "facts", where, "text")
        if appears is not None:
            floor = appears.at
            first_name = next((n for n in names if n.kind == "name"), None)
            if names and first_name is None:
                ctx.add(char_file, ch.line_of("names"), f"{where}: every name is an alias",
                        "make the first entry a name (kind: name)")
            elif first_name is not None and first_name.at != floor:
                ctx.add(char_file, ch.line_of("names"), f"{where}: first name revealed at "
                        f"{first_name.at}, not when the character appears ({floor})",
                        f"date the first name at {floor}, or change 'appears'")
            for label, seq_key, seq in (("name", "names", names), ("group", "groups", groups),
                                        ("role", "roles", roles), ("status", "statuses", statuses),
                                        ("fact", "facts", facts)):
                raw = ch.get(seq_key)
                for j, item in enumerate(seq):
                    not_before(ctx, char_file, line_of_item(raw, j, ch.line), item, floor,
                                f"{where}: {label} '{short(item.text)}' revealed",
                                f"the character first appears ({floor})")
            not_before(ctx, char_file, ch.line_of("actor"), actor, floor,
                        f"{where}: actor revealed", f"the character first appears ({floor})")
        if cid is not None:
            if appears is not None and names and any(n.kind == "name" for n in names):
                character = Character(cid, appears, names, actor, groups, roles, statuses, facts)
                characters.append(character)
                char_ids[cid] = character
            else:
                char_ids[cid] = None  # defined, but broken (already reported)
    return characters, char_ids


def _relationships(ctx: Ctx, docs: dict[str, Any], pack_dir: Path,
                   char_ids: dict[str, Character | None]) -> list[Relationship]:
    """relationships.yaml: each link between two defined characters, with its stages."""
    raw_rels, rel_file = top_level(ctx, docs, pack_dir, "relationships.yaml", "relationships")
    relationships: list[Relationship] = []
    rel_ids: set[str] = set()
    for i, rel in enumerate(as_list(ctx, rel_file, raw_rels, 1, "relationships")):
        line = line_of_item(raw_rels, i, 1)
        where = f"relationship[{i + 1}]"
        if not is_map(ctx, rel_file, rel, line, where):
            continue
        if isinstance(rel.get("id"), str) and ID_RE.match(rel["id"]):
            where = f"relationship '{rel['id']}'"
        check_keys(ctx, rel_file, rel, where, ("id", "between", "stages"), ("history",))
        rid = own_id(ctx, rel_file, rel, where, "relationship", rel_ids)
        if rid is not None:
            rel_ids.add(rid)
        between = rel.get("between")
        pair: list[Character] = []
        if between is not None:
            if (not isinstance(between, list) or len(between) != 2
                    or not all(isinstance(x, str) for x in between)):
                ctx.add(rel_file, rel.line_of("between"), f"{where}: 'between' must name two characters",
                        "write between: [id-one, id-two]")
            elif between[0] == between[1]:
                ctx.add(rel_file, rel.line_of("between"), f"{where}: a character cannot relate to itself",
                        "name two different characters")
            else:
                for cid in between:
                    if cid not in char_ids:
                        close = close_matches(cid, list(char_ids), n=1)
                        ctx.add(rel_file, rel.line_of("between"), f"{where}: unknown character '{cid}'",
                                f"did you mean '{close[0]}'?" if close else "define it in characters.yaml")
                    elif char_ids[cid] is not None:
                        pair.append(char_ids[cid])  # type: ignore[arg-type]
        ids = (tuple(between) if isinstance(between, list) and len(between) == 2
               and all(isinstance(x, str) for x in between) and between[0] != between[1] else None)
        stages = stage_items(ctx, rel_file, rel, where, ids)
        if "stages" in rel and isinstance(rel.get("stages"), YList) and not rel["stages"]:
            ctx.add(rel_file, rel.line_of("stages"), f"{where}: no stages",
                    "add the first stage: when the link becomes known")
        history = dated_items(ctx, rel_file, rel, "history", where, "text")
        floor = max((c.appears.at for c in pair), default=None)
        for seq_key, seq, label in (("stages", stages, "stage"), ("history", history, "history beat")):
            for j, item in enumerate(seq):
                not_before(ctx, rel_file, line_of_item(rel.get(seq_key), j, rel.line), item, floor,
                            f"{where}: {label} '{short(item.text)}' revealed",
                            f"both characters have appeared ({floor})")
        if stages:
            for j, item in enumerate(history):
                not_before(ctx, rel_file, line_of_item(rel.get("history"), j, rel.line), item,
                            stages[0].at, f"{where}: history beat '{short(item.text)}' revealed",
                            f"the relationship's first stage ({stages[0].at})")
        if rid is not None and len(pair) == 2 and stages:
            relationships.append(Relationship(rid, (pair[0].id, pair[1].id), stages, history))
    return relationships


def _threads(ctx: Ctx, docs: dict[str, Any], pack_dir: Path) -> list[Thread]:
    """threads.yaml: each plot thread, its beats and resolution."""
    raw_threads, thr_file = top_level(ctx, docs, pack_dir, "threads.yaml", "threads")
    threads: list[Thread] = []
    thread_ids: set[str] = set()
    for i, thr in enumerate(as_list(ctx, thr_file, raw_threads, 1, "threads")):
        line = line_of_item(raw_threads, i, 1)
        where = f"thread[{i + 1}]"
        if not is_map(ctx, thr_file, thr, line, where):
            continue
        if isinstance(thr.get("id"), str) and ID_RE.match(thr["id"]):
            where = f"thread '{thr['id']}'"
        check_keys(ctx, thr_file, thr, where, ("id", "titles"), ("beats", "resolved"))
        tid = own_id(ctx, thr_file, thr, where, "thread", thread_ids)
        if tid is not None:
            thread_ids.add(tid)
        titles = dated_items(ctx, thr_file, thr, "titles", where, "text", ordered=True)
        beats = dated_items(ctx, thr_file, thr, "beats", where, "text", ordered=True)
        resolved = None
        if thr.get("resolved") is not None:
            resolved = dated_item(ctx, thr_file, thr["resolved"], thr.line_of("resolved"),
                             f"{where} resolved", "text")
        opens = titles[0].at if titles else None
        for j, beat in enumerate(beats):
            not_before(ctx, thr_file, line_of_item(thr.get("beats"), j, thr.line), beat, opens,
                        f"{where}: beat '{short(beat.text)}' revealed", f"the thread opens ({opens})")
        not_before(ctx, thr_file, thr.line_of("resolved"), resolved, opens,
                    f"{where}: resolution revealed", f"the thread opens ({opens})")
        if beats:
            not_before(ctx, thr_file, thr.line_of("resolved"), resolved, beats[-1].at,
                        f"{where}: resolution revealed", f"its last beat ({beats[-1].at})")
        if "titles" in thr and isinstance(thr.get("titles"), YList) and not thr["titles"]:
            ctx.add(thr_file, thr.line_of("titles"), f"{where}: no titles",
                    "add the title the thread has when it opens")
        if tid is not None and titles:
            threads.append(Thread(tid, titles, beats, resolved))
    return threads


def _cross_file_sources(ctx: Ctx, src: _Sources, title: str, episodes: list[Episode],
                        characters: list[Character], relationships: list[Relationship],
                        threads: list[Thread]) -> None:
    """Every cited key is defined, every source is cited, no URL or title names what is ahead."""
    if src.raw is not None:
        for key, (file, line) in sorted(ctx.source_uses.items(), key=lambda kv: (kv[1], kv[0])):
            if key not in src.by_key and key not in (src.raw if isinstance(src.raw, dict) else {}):
                close = close_matches(key, list(src.by_key), n=1)
                ctx.add(file, line, f"unknown source key '{key}'",
                        f"did you mean '{close[0]}'?" if close else "define it in sources.yaml")
        for key, line in src.lines.items():
            if key not in ctx.source_uses:
                ctx.add(src.file, line, f"source '{key}' is never cited",
                        "cite it from a piece of data or remove it")
        source_words(ctx, src.file, src.checks, title, episodes, characters,
                      relationships, threads)
