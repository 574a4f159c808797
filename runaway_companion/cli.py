"""The command line. Imports Textual only when launching the TUI (or serving it)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

from runaway_companion.progress import CHECKPOINTS, Position, PositionError, one_line

EXIT_USAGE = 2
EXIT_BAD_PACK = 1


class UsageError(Exception):
    """A bad flag or argument: one line, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2 (not argparse's usage dump)
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _episode(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"episode must be a whole number, not '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"episode must be 1 or more, not {value}")
    return value


def _sessions(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"--max-sessions must be a whole number, 1 or more, "
                                         f"not '{text}'")
    return int(text)


def _checkpoint(text: str) -> str:
    word = text.strip().lower()
    if word not in CHECKPOINTS:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a checkpoint — use one of {', '.join(CHECKPOINTS)}")
    return word


def _position_opts(parser: argparse.ArgumentParser, default=argparse.SUPPRESS) -> None:
    parser.add_argument("--pack", metavar="DIR", default=default,
                        help="load another show's pack: a folder, or the name of a pack "
                             "shipped with the companion ('example', a made-up show; default: "
                             "the shipped Run Away pack)")
    parser.add_argument("--episode", "-e", type=_episode, metavar="N", default=default,
                        help="the episode you are watching or about to watch (1..N); alone it "
                             "means its start, so it shows nothing of that episode")
    parser.add_argument("--at", type=_checkpoint, metavar="CHECKPOINT", default=default,
                        help="how far into that episode: start | early | mid | late | end "
                             "(default: start)")


_VALUE_OPTIONS = ("--pack", "--episode", "-e", "--at")


def _command_of(argv: Sequence[str]) -> str | None:
    """The subcommand ``argv`` runs, when that is certain (else None: build every one).

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
    return None


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
            description="Print your saved progress, or set it to N[:CHECKPOINT]. Moving it "
                        "forward by more than one checkpoint asks first in a terminal.")
        p.add_argument("position", nargs="?", metavar="N[:CHECKPOINT]")
        p.add_argument("--yes", "-y", action="store_true",
                       help="move forward without asking")

    if only in (None, 'show'):
        show = sub.add_parser("show", parents=[common], help="print what you know at your point")
        what = show.add_subparsers(dest="what", parser_class=_Parser, metavar="WHAT", required=True)
        what.add_parser("characters", parents=[common], help="the characters known so far")
        c = what.add_parser("character", parents=[common], help="one character's card")
        c.add_argument("name", nargs="+", metavar="NAME")
        r = what.add_parser("relationships", parents=[common], help="relationships (of one character)")
        r.add_argument("name", nargs="*", metavar="NAME")
        what.add_parser("threads", parents=[common], help="plot threads so far")
        what.add_parser("episodes", parents=[common], help="episodes and their recaps so far")
        what.add_parser("recap", parents=[common], help="a 'previously on' of everything so far")

    if only in (None, 'export'):
        e = sub.add_parser("export", parents=[common], help="everything visible at your point")
        e.add_argument("--format", choices=("json", "markdown"), default="json")

    if only in (None, 'validate'):
        v = sub.add_parser("validate", help="check a pack; file:line errors, exit 1 if bad",
                           description="Check a pack: prints 'ok', or each problem as file:line "
                                       "and exits 1.")
        v.add_argument("pack_dir", nargs="?", metavar="PACK_DIR")
        v.add_argument("--pack", metavar="DIR", default=argparse.SUPPRESS)
        v.add_argument("--spoilers", action="store_true",
                       help="also print the whole show's totals (episodes, characters, …)")

    if only in (None, 'audit'):
        a = sub.add_parser(
            "audit", parents=[common], help="for pack authors: what each checkpoint reveals",
            description="For pack authors: list, checkpoint by checkpoint, everything the pack "
                        "reveals, with its sources. This spoils the whole show: it needs "
                        "--spoilers, or --episode/--at to stop at that point.")
        a.add_argument("--format", choices=("text", "json"), default="text")
        a.add_argument("--spoilers", action="store_true",
                       help="audit the whole show (prints every reveal of every episode)")

    if only in (None, 'where'):
        sub.add_parser("where", help="print where progress and the shipped pack live")

    if only in (None, 'serve'):
        s = sub.add_parser("serve", help="serve the companion to a browser (textual-serve)",
                           description="Serve the same companion to a web browser. It prints the "
                                       "address to open, with a key (?token=…) new each run; "
                                       "without it the server refuses. Every connection shares "
                                       "your saved progress. Ctrl+C stops it.")
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
    position = Position(episode, at or "start")
    try:
        position.check_within(pack.episode_count)
    except PositionError as exc:
        raise UsageError(f"{exc}") from None
    return position


def _warn(message: str | None) -> None:
    if message:
        print(f"companion: warning: {one_line(message)}", file=sys.stderr)


def _current(args, pack) -> Position:
    override = _override(args, pack)
    if override is not None:
        return override
    from runaway_companion import state

    loaded = state.load_progress(pack.id, pack.episode_count)
    _warn(loaded.warning)
    return loaded.position


def _console():
    from rich.console import Console

    # pack text is data, never Rich markup or :emoji: codes ("[bold]" in a name prints as is)
    return Console(highlight=False, soft_wrap=False, markup=False, emoji=False)


def cmd_progress(args) -> int:
    from runaway_companion import state

    pack = _load(args)
    if args.position is not None:
        if getattr(args, "episode", None) is not None:
            raise UsageError("give the position either as N[:CHECKPOINT] or with --episode, not both")
        try:
            position = Position.parse(args.position)
            position.check_within(pack.episode_count)
        except PositionError as exc:
            raise UsageError(str(exc)) from None
    else:
        position = _override(args, pack)
    if position is not None:
        # (a damaged file counts as nothing saved; the save below replaces it, so no warning)
        loaded = state.load_progress(pack.id, pack.episode_count)
        if position.key > loaded.position.key + 1 and not args.yes \
                and not _confirm_forward(loaded.position, position):
            print(f"companion: kept your saved progress at {loaded.position} (not moved)",
                  file=sys.stderr)
            return 1
        failed = state.save_progress(pack.id, position)
        if failed:  # a full disk, a read-only folder, a file it could not read: never "saved"
            print(f"companion: error: {one_line(failed)}", file=sys.stderr)
            return 1
        print(f"Progress saved: {position} ({position.describe()})")
        return 0
    loaded = state.load_progress(pack.id, pack.episode_count)
    _warn(loaded.warning)
    suffix = "" if loaded.saved else " — nothing saved yet"
    print(f"{loaded.position} ({loaded.position.describe()}){suffix}")
    return 0


def _confirm_forward(old: Position, new: Position) -> bool:
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

    print(f"progress: {state.state_path()}")
    print(f"pack:     {default_pack_dir()}")
    cache = "off (COMPANION_NO_CACHE)" if not parsecache.enabled() else \
        parsecache.cache_path(default_pack_dir().name)
    print(f"cache:    {cache}")
    return 0


def cmd_serve(args) -> int:
    from runaway_companion.serve import serve

    from runaway_companion.pack import load_pack

    position = None
    if getattr(args, "episode", None) is not None or getattr(args, "at", None) is not None:
        position = _override(args, load_pack(getattr(args, "pack", None)))
    return serve(host=args.host, port=args.port, pack_dir=getattr(args, "pack", None),
                 position=position, max_sessions=args.max_sessions)


def launch(args) -> int:
    from runaway_companion import state

    pack = _load(args)
    override = _override(args, pack)
    loaded = state.load_progress(pack.id, pack.episode_count)
    notices = [loaded.warning]  # said on stderr now, and in the app as a toast
    position, first_run = loaded.position, override is None and not loaded.saved
    ask_to = None  # a launch far past the saved progress opens at it and asks first
    if override is not None:
        if override.key > loaded.position.key + 1:
            ask_to = override
        else:
            position = override
            notices.append(state.save_progress(pack.id, position))
    for notice in notices:
        _warn(notice)
    if sys.__stderr__ is None and not _web_driver():  # Textual draws on it: `2>&-` would hang
        raise UsageError("the companion draws on standard error, which is closed")
    if not sys.stdout.isatty() and not _web_driver():
        raise UsageError("the companion needs a terminal; use 'companion show …' or "
                         "'companion export' in scripts")
    from runaway_companion.tui import CompanionApp

    # Everything alive now (the pack, every imported module) lives as long as the app: move it
    # out of the cyclic GC's way, so its collections scan only what the UI allocates. (On a
    # 100× pack a full collection over the pack took ~100 ms, in the middle of a keypress.)
    import gc

    gc.freeze()
    app = CompanionApp(pack=pack, position=position, first_run=first_run, freeze_gc=True,
                       ask_to=ask_to, notices=[n for n in notices if n])
    app.run()
    app.flush_progress()  # the app saves a move just after drawing it; nothing is left behind
    _warn(app.exit_warning)
    # a crash (Textual printed its report) is never a success
    return app.return_code or 0


def _web_driver() -> bool:
    import os

    return bool(os.environ.get("TEXTUAL_DRIVER"))


COMMANDS = {"progress": cmd_progress, "show": cmd_show, "export": cmd_export,
            "validate": cmd_validate, "audit": cmd_audit, "where": cmd_where, "serve": cmd_serve}


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


def main(argv: Sequence[str] | None = None) -> int:
    from runaway_companion.pack import PackError

    closed = _usable_streams()
    if closed:
        print(f"companion: error: {closed}", file=sys.stderr)
        return EXIT_USAGE
    try:
        argv = sys.argv[1:] if argv is None else list(argv)
        args = build_parser(_command_of(argv)).parse_args(argv)
        handler = COMMANDS.get(args.command or "", launch)
        return handler(args)
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
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(__import__("os").devnull, "w")
        except OSError:
            pass
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
