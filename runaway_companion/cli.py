"""The command line. Imports Textual only when launching the TUI (or serving it)."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Sequence

from runaway_companion.progress import (CHECKPOINTS, Position, PositionError, one_line,
                                       parse_position)

EXIT_USAGE = 2
EXIT_BAD_PACK = 1
EXIT_BAD_CONFIG = 1


class UsageError(Exception):
    """A bad flag or argument: one line, exit 2."""


class _Formatter(argparse.HelpFormatter):
    """argparse's own wrapping, except for an ``examples:`` epilog, kept line by line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:\n"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def _examples(*lines: str) -> str:
    return "examples:\n" + "\n".join(f"  {line}" for line in lines)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # one clear line, exit 2 (not argparse's usage dump)
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _episode(text: str) -> int | str:
    try:
        if not text.strip().isascii():  # int() takes any script's digits ("٣"): not we
            raise ValueError
        value = int(text)
        Position(value)  # one wording for a bad episode, however it was given
    except ValueError:
        if _SEASON_FORM.match(text.strip().lower()):  # "2x05": read against the pack's seasons
            return text.strip()
        shown = text.strip() if text.strip().lstrip("-").isdigit() else repr(one_line(text))
        raise argparse.ArgumentTypeError(
            f"episode must be a whole number from 1, not {shown}") from None
    return value


_SEASON_FORM = re.compile(r"^s?\d{1,4}\s*[xe]\s*\d{1,4}$", re.ASCII)


class _ClockTime(str):
    """``--at 34:10``: a playback time, turned into a checkpoint once the episode is known."""


def _sessions(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--max-sessions must be a whole number, 1 or more, "
                                         f"not '{text}'")
    return int(text)


def _checkpoint(text: str) -> str:
    word = text.strip().lower()
    if word in CHECKPOINTS:
        return word
    from runaway_companion.clock import ClockError, looks_like_time, parse_duration

    if looks_like_time(word):
        try:
            parse_duration(word)
        except ClockError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
        return _ClockTime(word)
    raise argparse.ArgumentTypeError(
        f"'{text}' is not a checkpoint — use one of {', '.join(CHECKPOINTS)}, "
        "or a playback time such as 34:10")


def _position_opts(parser: argparse.ArgumentParser, default=argparse.SUPPRESS) -> None:
    parser.add_argument("--pack", metavar="DIR", default=default,
                        help="load another show's pack: a folder, or the name of a pack "
                             "shipped with the companion ('example', a made-up show; default: "
                             "the shipped Run Away pack)")
    parser.add_argument("--episode", "-e", type=_episode, metavar="N", default=default,
                        help="the episode you are watching or about to watch (1..N; for a show "
                             "with seasons also SEASONxEPISODE, e.g. 2x05); alone it means its "
                             "start, so it shows nothing of that episode")
    parser.add_argument("--at", type=_checkpoint, metavar="CHECKPOINT", default=default,
                        help="how far into that episode: start | early | mid | late | end, or "
                             "the time on your player (34:10, 34m), rounded down to a "
                             "checkpoint (default: start)")
    parser.add_argument("--profile", metavar="NAME", default=default,
                        help="whose progress: each person in the household keeps their own "
                             "(default: $COMPANION_PROFILE, else 'default')")
    parser.add_argument("--together", metavar="A,B", default=default,
                        help="watch together: show what the earliest of these profiles has "
                             "reached, and move everyone behind forward together")


_VALUE_OPTIONS = ("--pack", "--episode", "-e", "--at", "--profile", "--together")


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` runs, when that is certain ("" for none; None: build every one).

    Building all nine subparsers costs a few ms of every run (argparse looks up its messages'
    translations for each); a run needs only its own. Help, the version and anything unclear
    get the whole parser, so every message is the one the whole parser would give.
    """
    tokens = iter(argv)
    for token in tokens:
        if token in ("-h", "--help", "--version") or token == "--":
            return None
        if token in _VALUE_OPTIONS or (token.startswith("--") and "=" not in token and any(
                option.startswith(token) for option in _VALUE_OPTIONS)):  # (--epi: abbreviated)
            next(tokens, None)
        elif not token.startswith("-") or token == "-" or token[1:].replace(".", "", 1).isdigit():
            return token if token in COMMANDS else None  # ("-" and "-3" are positionals too)
    return ""  # no subcommand at all (a plain `companion`, `companion -e 3`): none is built


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with ``only``, just that subcommand among the subcommands."""
    parser = _Parser(prog="companion", description="A spoiler-safe companion for watching Run Away.")
    _position_opts(parser, default=None)
    from runaway_companion import __version__

    parser.add_argument("--version", action="version", version=f"companion {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    common = _Parser(add_help=False)
    _position_opts(common)

    if only in (None, 'progress'):
        p = sub.add_parser(
            "progress", parents=[common], help="print or set saved progress (e.g. 6:late)",
            description="Print your saved progress, or set it to N[:CHECKPOINT] (for a show "
                        "with seasons also SEASONxEPISODE[:CHECKPOINT], e.g. 2x05:mid). Moving it "
                        "forward by more than one checkpoint asks first in a terminal.",
            epilog=_examples("companion progress                  # where you are",
                             "companion progress 3:mid            # halfway through episode 3",
                             "companion progress 3@24:10          # the time on your player",
                             "companion progress 4 --profile ana  # ana's progress: episode 4's start"))
        p.add_argument("position", nargs="?", metavar="N[:CHECKPOINT]",
                       help="e.g. 6:late, or 6@34:10 for the time on your player (rounded down)")
        p.add_argument("--yes", "-y", action="store_true",
                       help="move forward without asking")

    if only in (None, 'show'):
        show = sub.add_parser(
            "show", parents=[common], help="print what you know at your point",
            description="Print what you know at your saved progress (or at --episode/--at): "
                        "characters, one card, relationships, threads, episodes, a recap. "
                        "Nothing after that point is shown.",
            epilog=_examples("companion show characters",
                             "companion show character simon",
                             "companion show relationships simon --episode 2 --at end",
                             "companion show recap | less"))
        what = show.add_subparsers(dest="what", parser_class=_Parser, metavar="WHAT", required=True)
        what.add_parser("characters", parents=[common], help="the characters known so far",
                        description="The characters you know so far, by the names you know.")
        c = what.add_parser("character", parents=[common], help="one character's card",
                            description="One character's card: names, role, status, what you "
                                        "know and their relationships, as of your point.",
                            epilog=_examples("companion show character simon",
                                             "companion show character ingrid --episode 2"))
        c.add_argument("name", nargs="+", metavar="NAME")
        r = what.add_parser("relationships", parents=[common], help="relationships (of one character)",
                            description="Every relationship you know of, or one character's, "
                                        "each read from that character's side.")
        r.add_argument("name", nargs="*", metavar="NAME")
        what.add_parser("threads", parents=[common], help="plot threads so far",
                        description="The plot threads you know of, open and resolved, beat by beat.")
        what.add_parser("episodes", parents=[common], help="episodes and their recaps so far",
                        description="Every episode: its title once you've started it, and the "
                                    "recap of what you have watched.")
        what.add_parser("recap", parents=[common], help="'previously on': what to remember now",
                        description="Previously on: the last episode you finished and, if you "
                                    "are inside one, that episode so far — what to remember "
                                    "before you press play. 'show episodes' lists every episode.")

    if only in (None, 'export'):
        e = sub.add_parser("export", parents=[common], help="everything visible at your point",
                           description="Everything visible at your point, as JSON (for scripts) "
                                       "or Markdown (to read or share).",
                           epilog=_examples("companion export > now.json",
                                            "companion export --format markdown --episode 3 --at end"))
        e.add_argument("--format", choices=("json", "markdown"), default="json")

    if only in (None, 'validate'):
        v = sub.add_parser("validate", help="check a pack; file:line errors, exit 1 if bad",
                           description="Check a pack: prints 'ok', or each problem as file:line "
                                       "and exits 1.",
                           epilog=_examples("companion validate my-show",
                                            "companion validate --pack example"))
        v.add_argument("pack_dir", nargs="?", metavar="PACK_DIR")
        v.add_argument("--pack", metavar="DIR", default=argparse.SUPPRESS)
        v.add_argument("--spoilers", action="store_true",
                       help="also print the whole show's totals (episodes, characters, …)")

    if only in (None, 'audit'):
        a = sub.add_parser(
            "audit", parents=[common], help="for pack authors: what each checkpoint reveals",
            description="For pack authors: list, checkpoint by checkpoint, everything the pack "
                        "reveals, with its sources. This spoils the whole show: it needs "
                        "--spoilers, or --episode/--at to stop at that point.",
            epilog=_examples("companion audit --pack my-show --episode 2 --at end",
                             "companion audit --pack my-show --spoilers --format json"))
        a.add_argument("--format", choices=("text", "json"), default="text")
        a.add_argument("--spoilers", action="store_true",
                       help="audit the whole show (prints every reveal of every episode)")

    if only in (None, 'profiles'):
        sub.add_parser("profiles", parents=[common], help="everyone's saved progress (* = yours)",
                       description="List each profile in this household with its saved "
                                   "progress; * marks the one in use (--profile, "
                                   "$COMPANION_PROFILE).",
                       epilog=_examples("companion profiles",
                                        "companion profiles --profile ana   # * marks ana"))

    if only in (None, 'where'):
        sub.add_parser("where", help="print where progress, settings and the shipped pack live",
                       description="Print where your saved progress, your settings file, the "
                                   "shipped pack and the parse cache live on this machine.",
                       epilog=_examples("companion where",
                                        "COMPANION_STATE_DIR=/tmp/try companion where"))

    if only in (None, 'config'):
        cf = sub.add_parser(
            "config", help="your settings file: theme, keys, themes of your own",
            description="Print where your settings file (config.toml) is and check it: 'ok', or "
                        "its first problem as config.toml:LINE and exit 1. --init writes a "
                        "commented example to start from (an existing file is never "
                        "overwritten). $COMPANION_CONFIG_DIR overrides the folder.",
            epilog=_examples("companion config                 # where it is; is it right?",
                             "companion config --init          # write the commented example",
                             "companion config --keys          # every key binding's id",
                             "companion config --themes        # the themes to choose from"))
        cf.add_argument("--init", action="store_true",
                        help="write a commented example settings file (if there is none)")
        cf.add_argument("--keys", action="store_true",
                        help="list every key binding: its id (for [keys]), its key, what it does")
        cf.add_argument("--themes", action="store_true",
                        help="list the built-in themes and your own")

    if only in (None, 'new-pack'):
        n = sub.add_parser(
            "new-pack", help="for pack authors: start a pack in a new folder",
            description="Write a pack to start from into DIR (a new or empty folder): the made-up "
                        "example show, each file's comments explaining its format, and the JSON "
                        "Schemas beside it for an editor. It validates as written.",
            epilog=_examples("companion new-pack my-show",
                             "companion validate my-show          # after each edit"))
        n.add_argument("dir", metavar="DIR", help="a new or empty folder")

    if only in (None, 'schema'):
        sc = sub.add_parser(
            "schema", help="for pack authors: the pack files' JSON Schemas, for editors",
            description="Print the JSON Schema (draft-07) of one pack file, or of all five as one "
                        "JSON object; --write DIR writes them as DIR/<file>.schema.json. Start a "
                        "YAML file with '# yaml-language-server: $schema=PATH' and an editor "
                        "completes its keys and flags a bad reveal point as you type "
                        "('companion validate' stays the authority).",
            epilog=_examples("companion schema characters.yaml",
                             "companion schema --write my-show    # five .schema.json files"))
        sc.add_argument("file", nargs="?", metavar="FILE",
                        help="show.yaml, characters.yaml, relationships.yaml, threads.yaml or "
                             "sources.yaml (default: all five)")
        sc.add_argument("--write", metavar="DIR", help="write the schema files into DIR")

    if only in (None, 'completion'):
        cp = sub.add_parser(
            "completion", help="a shell completion script: bash, zsh or fish",
            description="Print a completion script for your shell: commands, flags and their "
                        "fixed values (checkpoints, formats). It offers no names from a pack, "
                        "and nothing runs while you complete, so start-up is untouched.",
            epilog=_examples("companion completion bash > ~/.local/share/bash-completion/completions/companion",
                             "companion completion zsh > ~/.zfunc/_companion   # with fpath+=~/.zfunc",
                             "companion completion fish > ~/.config/fish/completions/companion.fish"))
        cp.add_argument("shell", choices=("bash", "zsh", "fish"), help="your shell")

    if only in (None, 'serve'):
        s = sub.add_parser("serve", help="serve the companion to a browser (textual-serve)",
                           description="Serve the same companion to a web browser. It prints the "
                                       "address to open, with a key (?token=…) new each run; "
                                       "without it the server refuses. Every connection shares "
                                       "your saved progress. Ctrl+C stops it.",
                           epilog=_examples("companion serve                    # this machine only",
                                            "companion serve --host 0.0.0.0 --port 8080"))
        s.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only; any other "
                            "address lets anyone on that network who has the printed address "
                            "open it)")
        s.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
        s.add_argument("--max-sessions", type=_sessions, metavar="N", default=None,
                       help="browser tabs open at once (default: 4); the next one is told "
                            "there are too many")
        s.add_argument("--pack", metavar="DIR", default=argparse.SUPPRESS,
                       help="serve another show's pack (default: the shipped Run Away pack)")
        s.add_argument("--profile", metavar="NAME", default=argparse.SUPPRESS,
                       help="whose progress every browser tab uses (default: "
                            "$COMPANION_PROFILE, else 'default')")
        s.add_argument("--together", metavar="A,B", default=argparse.SUPPRESS,
                       help="watch together: every tab shows what the earliest of these "
                            "profiles has reached")
        s.add_argument("--episode", "-e", type=_episode, metavar="N", default=argparse.SUPPRESS,
                       help="open at the start of episode N (asks first if that is more than "
                            "one checkpoint past your saved progress)")
        s.add_argument("--at", type=_checkpoint, metavar="CHECKPOINT",
                       default=argparse.SUPPRESS,
                       help="how far into that episode (default: start)")
    return parser


# ---------------------------------------------------------------------------------------------


def _load(args):
    from runaway_companion.pack import load_pack

    return load_pack(getattr(args, "pack", None))


def _override(args, pack) -> Position | None:
    episode, at = getattr(args, "episode", None), getattr(args, "at", None)
    if episode is None:
        if at is not None:
            raise UsageError("--at needs --episode (e.g. --episode 6 --at late)")
        return None
    try:
        if isinstance(episode, str):  # SEASONxEPISODE
            episode = pack.seasons.episode_of(episode)
        Position(episode).check_within(pack.episode_count)
    except PositionError as exc:
        raise UsageError(f"{exc}") from None
    if isinstance(at, _ClockTime):
        return _by_the_clock(args, pack, episode, at)
    return Position(episode, at or "start")


def _by_the_clock(args, pack, episode: int, time: str) -> Position:
    """``--episode 6 --at 34:10``: the checkpoint safely behind that time (see clock.py); what
    it became is said on stderr (and, for the TUI, kept in ``args.clock_note``)."""
    from runaway_companion.clock import ClockError, position_at

    runtime = next((e.runtime_s for e in pack.episodes if e.number == episode), None)
    try:
        reading = position_at(episode, time, runtime)
    except ClockError as exc:
        raise UsageError(str(exc)) from None
    args.clock_note = reading.explain()
    print(f"companion: {args.clock_note}", file=sys.stderr)
    return reading.position


def _warn(message: str | None) -> None:
    if message:
        print(f"companion: warning: {one_line(message)}", file=sys.stderr)


def _together(args, pack):
    """The household of ``--together A,B`` (None without it), its warnings said on stderr."""
    text = getattr(args, "together", None)
    if text is None:
        return None
    from runaway_companion import together

    try:
        names = together.parse_names(text)
    except together.TogetherError as exc:
        raise UsageError(str(exc)) from None
    household, warnings = together.load(names, pack.id, pack.episode_count)
    for warning in warnings:
        _warn(warning)
    return household


def _current(args, pack) -> Position:
    household = _together(args, pack)
    if household is not None:
        if getattr(args, "episode", None) is not None:
            raise UsageError("give either --together or --episode: together, the companion shows "
                             "what everyone has reached")
        print(f"companion: {household.describe()}", file=sys.stderr)
        return household.position
    override = _override(args, pack)
    if override is not None:
        return override
    from runaway_companion import state

    loaded = state.load_progress(pack.id, pack.episode_count)
    _warn(loaded.warning)
    return loaded.position


def _console():
    from rich.console import Console

    class _PipedConsole(Console):
        def on_broken_pipe(self) -> None:
            # `companion show … | head`: the reader had enough — not a failure (Rich's own
            # handler exits 1); main() answers BrokenPipeError with exit 0
            self.quiet = True
            raise BrokenPipeError

    import os

    # wrapped at the terminal's width ($COLUMNS when set); piped with no width given, lines are
    # not wrapped at all (a reader or a pager wraps them), never hard-wrapped at 80
    wrap = sys.stdout.isatty() or bool(os.environ.get("COLUMNS"))
    # pack text is data, never Rich markup or :emoji: codes ("[bold]" in a name prints as is)
    return _PipedConsole(highlight=False, soft_wrap=not wrap, markup=False, emoji=False)


def cmd_progress(args) -> int:
    from runaway_companion import state

    pack = _load(args)
    if getattr(args, "together", None) is not None:
        return _progress_together(args, pack)
    if args.position is not None:
        if getattr(args, "episode", None) is not None:
            raise UsageError("give the position either as N[:CHECKPOINT] or with --episode, not both")
        position = _asked_position(args, pack)
    else:
        position = _override(args, pack)
    if position is not None:
        # (a damaged file counts as nothing saved; the save below replaces it, so no warning)
        loaded = state.load_progress(pack.id, pack.episode_count)
        seasons = pack.seasons
        if position.key > loaded.position.key + 1 and not args.yes \
                and not _confirm_forward(loaded.position.label(seasons), position.label(seasons)):
            print(f"companion: kept your saved progress at {loaded.position.label(seasons)} "
                  "(not moved)", file=sys.stderr)
            return 1
        failed = state.save_progress(pack.id, position)
        if failed:  # a full disk, a read-only folder, a file it could not read: never "saved"
            print(f"companion: error: {one_line(failed)}", file=sys.stderr)
            return 1
        print(f"Progress saved: {position.label(seasons)} ({position.describe(seasons)})")
        return 0
    loaded = state.load_progress(pack.id, pack.episode_count)
    _warn(loaded.warning)
    suffix = "" if loaded.saved else " — nothing saved yet"
    print(f"{loaded.position.label(pack.seasons)} ({loaded.position.describe(pack.seasons)})"
          f"{suffix}")
    return 0


def _asked_position(args, pack) -> Position:
    """``progress 6:late`` / ``6@34:10``: the position asked for, checked against the pack."""
    episode_text, sep, after = args.position.strip().partition("@")
    clock_time = _clock_time(after) if sep else None
    try:
        if clock_time is not None:
            position = parse_position(episode_text, pack.seasons)
            position.check_within(pack.episode_count)
            return _by_the_clock(args, pack, position.episode, clock_time)
        position = parse_position(args.position, pack.seasons)
        position.check_within(pack.episode_count)
        return position
    except PositionError as exc:
        raise UsageError(str(exc)) from None


def _progress_together(args, pack) -> int:
    """``progress --together a,b``: everyone's place; with a position, everyone behind it
    moves up to it (nobody moves back; a jump past the earliest asks first)."""
    household = _together(args, pack)
    if args.position is None and getattr(args, "episode", None) is None:
        print(household.describe())
        return 0
    if args.position is not None and getattr(args, "episode", None) is not None:
        raise UsageError("give the position either as N[:CHECKPOINT] or with --episode, not both")
    position = _asked_position(args, pack) if args.position is not None else _override(args, pack)
    if position.key > household.position.key + 1 and not args.yes \
            and not _confirm_forward(household.position, position):
        print("companion: kept everyone's saved progress (not moved)", file=sys.stderr)
        return 1
    from runaway_companion import together

    moved_household, moved = household.moved_to(position)
    failed = together.save(moved_household, pack.id, moved)
    if failed:
        print(f"companion: error: {one_line(failed)}", file=sys.stderr)
        return 1
    who = ", ".join(moved) if moved else "nobody (everyone is there already)"
    print(f"Progress saved together: {position} — moved {who}")
    print(moved_household.describe())
    return 0


def _clock_time(text: str) -> str | None:
    """The time in ``6@34:10`` (None when what follows '@' is a checkpoint, as in ``6@late``)."""
    from runaway_companion.clock import looks_like_time

    return text.strip() if looks_like_time(text) else None


def _confirm_forward(old: Position | str, new: Position | str) -> bool:
    """A forward jump of more than one checkpoint: ask in a terminal; elsewhere say so."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(f"companion: moving your saved progress forward from {old} to {new} "
              "(no terminal to ask; --yes skips this note)", file=sys.stderr)
        return True
    try:
        answer = input(f"Move your saved progress forward from {old} to {new}? "
                       f"This shows everything up to {new}. [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def cmd_show(args) -> int:
    from runaway_companion import render
    from runaway_companion.view import View

    pack = _load(args)
    view = View(pack, _current(args, pack))
    console = _console()
    what = args.what
    if what == "characters":
        render.characters(console, view)
    elif what == "character":
        name = " ".join(args.name)
        found = view.find_characters(name)
        if not found:
            print(f"No character called '{name}' yet.")
            return 1
        if len(found) > 1:
            names = ", ".join(c.name for c in found)
            print(f"'{name}' could be: {names}. Use the full name.")
            return 1
        render.card(console, view, found[0])
    elif what == "relationships":
        if args.name:
            name = " ".join(args.name)
            found = view.find_characters(name)
            if len(found) != 1:
                msg = (f"No character called '{name}' yet." if not found else
                       f"'{name}' could be: {', '.join(c.name for c in found)}. Use the full name.")
                print(msg)
                return 1
            render.relationships(console, view, found[0])
        else:
            render.relationships(console, view, None)
    elif what == "threads":
        render.threads(console, view)
    elif what == "episodes":
        render.episodes(console, view)
    elif what == "recap":
        render.recap(console, view)
    return 0


def cmd_export(args) -> int:
    from runaway_companion.export import to_json, to_markdown
    from runaway_companion.view import View

    pack = _load(args)
    view = View(pack, _current(args, pack))
    out = to_json(view) if args.format == "json" else to_markdown(view)
    sys.stdout.write(out if out.endswith("\n") else out + "\n")
    sys.stdout.flush()  # a closed pipe or a full disk fails here, inside main(), not at exit
    return 0


def cmd_validate(args) -> int:
    from runaway_companion.pack import load_pack

    target = args.pack_dir or getattr(args, "pack", None)
    pack = load_pack(target, parse_cache=False)  # the validator always parses afresh
    if not args.spoilers:  # the totals say how the whole show goes (how many characters…)
        print("ok")
        return 0
    print(f"ok: {pack.title} — {pack.episode_count} episodes, {len(pack.characters)} characters, "
          f"{len(pack.relationships)} relationships, {len(pack.threads)} threads, "
          f"{len(pack.sources)} sources")
    return 0


def cmd_audit(args) -> int:
    from runaway_companion.audit import audit_json, audit_text

    pack = _load(args)
    limit = _override(args, pack)
    if limit is None and not args.spoilers:
        raise UsageError("audit prints every reveal of the whole show — add --spoilers to see "
                         "it all, or --episode N [--at CHECKPOINT] to stop at that point")
    sys.stdout.write(audit_json(pack, limit) if args.format == "json"
                     else audit_text(pack, limit))
    return 0


def cmd_where(args) -> int:
    from runaway_companion import state
    from runaway_companion.pack import default_pack_dir

    from runaway_companion import parsecache

    from runaway_companion.config import config_path

    print(f"progress: {state.state_path()}")
    print(f"config:   {config_path()}")
    print(f"pack:     {default_pack_dir()}")
    cache = "off (COMPANION_NO_CACHE)" if not parsecache.enabled() else \
        parsecache.cache_path(default_pack_dir().name)
    print(f"cache:    {cache}")
    return 0


def cmd_config(args) -> int:
    from runaway_companion import config

    if args.init:
        path, failed = config.init()
        if failed:
            print(f"companion: error: {one_line(failed)}", file=sys.stderr)
            return 1
        print(f"wrote {path}: every line is a commented example — uncomment what you change")
        return 0
    if args.keys:
        from runaway_companion.tui.settings import describe_keys

        rows = describe_keys()
        width = max(len(ident) for ident, _key, _what in rows)
        for ident, key, what in rows:
            print(f"{ident:<{width}}  {key:<14} {what}")
        return 0
    loaded = _settings()
    if args.themes:
        from runaway_companion.tui.settings import theme_names

        for name in theme_names(loaded):
            mark = "*" if name == loaded.theme else " "
            print(f"{mark} {name}{'  (yours)' if name in loaded.themes else ''}")
        return 0
    print(loaded.path)
    print("ok" if loaded.path.exists() else "not there yet: 'companion config --init' writes "
          "an example to start from")
    return 0


def _settings():
    """The settings file, checked in full (a bad one raises ConfigError: one line, exit 1).
    Checking binding ids, colours and theme names takes Textual, so it is imported here."""
    from runaway_companion import config
    from runaway_companion.tui.settings import check

    loaded = config.load()
    check(loaded)
    return loaded


def cmd_new_pack(args) -> int:
    from runaway_companion.pack import shipped_text
    from runaway_companion.packcheck import FILES
    from runaway_companion.scaffold import folder_problem, scaffold
    from runaway_companion.schemas import SCHEMAS, schema_text

    target = Path(args.dir)
    problem = folder_problem(target)
    if problem:
        print(f"companion: error: {one_line(problem)}", file=sys.stderr)
        return 1
    files = scaffold({name: shipped_text("example", name) for name in FILES},
                     target.absolute().name, {name: schema_text(name) for name in SCHEMAS})
    for relative, text in files.items():
        failed = _write_atomic(target / relative, text)
        if failed:
            print(f"companion: error: {failed}", file=sys.stderr)
            return 1
    shown = one_line(str(target))
    print(f"wrote a new pack in {shown}: the made-up example show, each file's comments "
          "explaining its format")
    print(f"next: make it yours, check it with 'companion validate {shown}', open it with "
          f"'companion --pack {shown}'")
    return 0


def cmd_schema(args) -> int:
    import json

    from runaway_companion.schemas import SCHEMAS, modeline, schema_text

    chosen = list(SCHEMAS)
    if args.file is not None:
        name = args.file if args.file.endswith(".yaml") else f"{args.file}.yaml"
        if name not in SCHEMAS:
            raise UsageError(f"'{args.file}' is not a pack file — use one of {', '.join(SCHEMAS)}")
        chosen = [name]
    if args.write is None:
        if len(chosen) == 1:
            text = schema_text(chosen[0])
        else:
            text = json.dumps({name: json.loads(schema_text(name)) for name in chosen},
                              indent=2, ensure_ascii=False) + "\n"
        sys.stdout.write(text)
        return 0
    folder = Path(args.write)
    for name in chosen:
        target = folder / SCHEMAS[name]
        failed = _write_atomic(target, schema_text(name))
        if failed:
            print(f"companion: error: {failed}", file=sys.stderr)
            return 1
        print(f"wrote {target}")
    first = folder / SCHEMAS[chosen[0]]
    print(f"start each pack file with its schema's line, e.g. {chosen[0]}: {modeline(str(first))}")
    return 0


def _write_atomic(target: Path, text: str) -> str | None:
    """Write ``text`` to ``target`` whole or not at all (safeio.write_atomic); the folder is
    made if needed. Returns one line saying what failed, or None."""
    from runaway_companion.safeio import write_atomic

    return write_atomic(target, text, durable=False)


def cmd_completion(args) -> int:
    from runaway_companion.completion import script

    sys.stdout.write(script(args.shell, build_parser()))
    return 0


def cmd_serve(args) -> int:
    from runaway_companion.serve import serve

    from runaway_companion.pack import load_pack

    position = None
    together = getattr(args, "together", None)
    if together is not None:  # checked here, once, not in every browser that connects
        if getattr(args, "episode", None) is not None:
            raise UsageError("give either --together or --episode: together, the companion shows "
                             "what everyone has reached")
        from runaway_companion import together as together_module

        try:
            together = ",".join(together_module.parse_names(together))
        except together_module.TogetherError as exc:
            raise UsageError(str(exc)) from None
    if getattr(args, "episode", None) is not None or getattr(args, "at", None) is not None:
        position = _override(args, load_pack(getattr(args, "pack", None)))
    _settings()  # a bad settings file is said here, once, not in every browser that connects
    return serve(host=args.host, port=args.port, pack_dir=getattr(args, "pack", None),
                 position=position, max_sessions=args.max_sessions, together=together)


def launch(args) -> int:
    from runaway_companion import config, gcpolicy, session

    pack = _load(args)
    # a theme saved with the progress by older versions moves to the settings file, once
    _warn(config.migrate_theme())
    settings = _settings()
    household = _together(args, pack)  # watching together: at the earliest member's place
    if household is not None and getattr(args, "episode", None) is not None:
        raise UsageError("give either --together or --episode: together, the companion shows "
                         "what everyone has reached")
    # where it opens: the same headless code path as CompanionApp() with no arguments
    opening = session.start(pack, _override(args, pack), household)
    for notice in opening.notices:  # said on stderr now, and in the app as a toast
        _warn(notice)
    if sys.__stderr__ is None and not _web_driver():  # Textual draws on it: `2>&-` would hang
        raise UsageError("the companion draws on standard error, which is closed")
    if not sys.stdout.isatty() and not _web_driver():
        raise UsageError("the companion needs a terminal; use 'companion show …' or "
                         "'companion export' in scripts")
    # no cyclic GC from here to the first frame, when the app turns it back on: a start makes
    # many objects and little garbage (benchmarks row 1; runaway_companion/gcpolicy.py)
    gcpolicy.pause_for_start()
    try:
        from runaway_companion.tui import CompanionApp

        app = CompanionApp(pack=pack, position=opening.position, first_run=opening.first_run,
                           freeze_gc=True, ask_to=opening.ask_to, notices=opening.notices,
                           clock_note=getattr(args, "clock_note", None),  # (said on stderr too)
                           together=household, config=settings)
        app.run()
    finally:
        gcpolicy.resume_after_start()  # (done at the first frame; here for an app that drew none)
    app.flush_progress()  # the app saves a move just after drawing it; nothing is left behind
    _warn(app.exit_warning)
    # a crash (Textual printed its report) is never a success
    return app.return_code or 0


def _use_profile(args) -> None:
    """``--profile NAME``: checked, then set for this process and any it starts (serve's apps)."""
    import os

    from runaway_companion import state

    name = getattr(args, "profile", None)
    if name is not None and getattr(args, "together", None) is not None:
        raise UsageError("give either --profile or --together, not both")
    try:
        if name is not None:
            os.environ[state.PROFILE_ENV] = state.check_profile(name)
        state.current_profile()  # a bad $COMPANION_PROFILE is one line too
    except state.ProfileError as exc:
        raise UsageError(str(exc)) from None


def cmd_profiles(args) -> int:
    from runaway_companion import state

    pack = _load(args)
    current = state.current_profile()
    for name in state.profiles():
        loaded = state.load_progress(pack.id, pack.episode_count, profile=name)
        where = (f"{loaded.position} ({loaded.position.describe()})" if loaded.saved
                 else "nothing saved yet")
        mark = "*" if name == current else " "
        print(f"{mark} {name:<12} {where}")
    return 0


def _web_driver() -> bool:
    import os

    return bool(os.environ.get("TEXTUAL_DRIVER"))


COMMANDS = {"progress": cmd_progress, "profiles": cmd_profiles, "show": cmd_show,
            "export": cmd_export, "validate": cmd_validate, "audit": cmd_audit,
            "where": cmd_where, "serve": cmd_serve, "schema": cmd_schema, "new-pack": cmd_new_pack,
            "config": cmd_config, "completion": cmd_completion}


def _usable_streams() -> str | None:
    """Make stdout/stderr safe to print to; the reason they are not, if they cannot be."""
    import os

    if sys.stderr is None:  # `2>&-`: our one-line messages go nowhere, not to a crash
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    for stream in (sys.stdout, sys.stderr):
        # a terminal or pipe that cannot encode "·" or "—" (PYTHONIOENCODING=ascii, a C locale)
        # gets an escape for them, never a UnicodeEncodeError
        if stream is not None and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot change
                pass
    if sys.stdout is None:
        return "standard output is closed"
    return None


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so the flush at exit has nowhere to fail."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    from runaway_companion.config import ConfigError
    from runaway_companion.pack import PackError

    closed = _usable_streams()
    if closed:
        print(f"companion: error: {closed}", file=sys.stderr)
        return EXIT_USAGE
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(_command_of(argv)).parse_args(argv)
        _use_profile(args)
        handler = COMMANDS.get(args.command or "", launch)
        code = handler(args)
        sys.stdout.flush()  # a closed pipe fails here, where it is handled, not at exit
        return code
    except UsageError as exc:
        print(f"companion: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except PackError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"companion: the pack has {count} problem{'s' if count != 1 else ''}", file=sys.stderr)
        return EXIT_BAD_PACK
    except PositionError as exc:
        print(f"companion: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except ConfigError as exc:  # the settings file: config.toml:LINE: what — fix
        print(f"companion: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_CONFIG
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `| head`: the reader had enough; what is left goes nowhere
        _quiet_stdout()
        return 0
    except OSError as exc:  # writing the output failed: a full disk (/dev/full), a closed pipe…
        try:
            sys.stdout = open(__import__("os").devnull, "w")  # nothing half-written is flushed
        except OSError:
            pass
        print(f"companion: error: could not write the output ({exc.strerror or exc})",
              file=sys.stderr)
        return 1


_ = Path
