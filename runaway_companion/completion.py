"""Shell completion scripts (``companion completion bash|zsh|fish``), written out from the
command line's own parser: subcommands, their flags and the fixed choices (checkpoints, formats,
what ``show`` shows). Nothing is computed when a shell completes, so ``companion`` starts no
slower, and nothing from a pack is offered: no character, thread or episode name can reach the
terminal through a completion (a list of names would say who is still to come)."""
from __future__ import annotations

import argparse

SHELLS = ("bash", "zsh", "fish")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # (argparse has no public walk of its subparsers)
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _flags(parser: argparse.ArgumentParser) -> list[str]:
    return [opt for action in parser._actions for opt in action.option_strings
            if opt.startswith("--") or opt in ("-h", "-e", "-y")]


def _choices(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    """flag -> its fixed values (--format's choices; --at's checkpoints: it takes a player's time
    too, so argparse has no choices for it)."""
    from runaway_companion.progress import CHECKPOINTS

    out = {}
    for action in parser._actions:
        if action.choices and action.option_strings and not isinstance(action.choices, dict):
            for opt in action.option_strings:
                out[opt] = [str(c) for c in action.choices]
        elif "--at" in action.option_strings:
            out["--at"] = list(CHECKPOINTS)
    return out


def _tree(parser: argparse.ArgumentParser) -> dict[str, dict]:
    """command path ('' for the top, 'show', 'show character'…) -> words, flags, values."""
    tree: dict[str, dict] = {}

    def walk(path: str, p: argparse.ArgumentParser) -> None:
        subs = _subparsers(p)
        fixed = [str(c) for a in p._actions if not a.option_strings and a.choices
                 and not isinstance(a.choices, dict) for c in a.choices]  # (a positional's)
        tree[path] = {"words": sorted(subs) + fixed, "flags": _flags(p), "values": _choices(p)}
        for name, sp in subs.items():
            walk(f"{path} {name}".strip(), sp)

    walk("", parser)
    return tree


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    """The completion script for ``shell`` (one of :data:`SHELLS`)."""
    tree = _tree(parser)
    if shell == "fish":
        return _fish(tree)
    body = _bash(tree)
    if shell == "zsh":
        return ("#compdef companion\n# zsh: companion's completion, through zsh's bash "
                "completion layer\nautoload -U +X bashcompinit && bashcompinit\n" + body)
    return body


def _bash(tree: dict[str, dict]) -> str:
    cases = []
    for path, node in sorted(tree.items()):
        words = " ".join(node["words"] + node["flags"])
        values = "".join(
            f"                {flag}) COMPREPLY=($(compgen -W '{' '.join(vals)}' -- \"$cur\"));"
            f" return;;\n" for flag, vals in sorted(node["values"].items()))
        cases.append(f"        '{path}')\n            case \"$prev\" in\n{values}"
                     f"            esac\n"
                     f"            COMPREPLY=($(compgen -W '{words}' -- \"$cur\"));;")
    paths = " ".join(f"'{p}'" for p in sorted(tree) if p)
    return f"""# bash completion for companion (companion completion bash)
_companion() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local path="" word i
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${{COMP_WORDS[i]}}"
        for known in {paths}; do
            if [ "$known" = "${{path:+$path }}$word" ]; then path="$known"; break; fi
        done
    done
    case "$path" in
{chr(10).join(cases)}
    esac
}}
complete -o default -F _companion companion
"""


def _fish(tree: dict[str, dict]) -> str:
    lines = ["# fish completion for companion (companion completion fish)",
             "complete -c companion -f"]
    top = tree[""]
    for word in top["words"]:
        lines.append(f"complete -c companion -n '__fish_use_subcommand' -a '{word}'")
    for path, node in sorted(tree.items()):
        if path:
            cond = " && ".join(f"__fish_seen_subcommand_from {w}" for w in path.split())
            for word in node["words"]:
                lines.append(f"complete -c companion -n '{cond}' -a '{word}'")
        else:
            cond = "__fish_use_subcommand"
        for flag in node["flags"]:
            if not flag.startswith("--"):
                continue
            values = node["values"].get(flag)
            extra = f" -x -a '{' '.join(values)}'" if values else ""
            lines.append(f"complete -c companion -n '{cond}' -l {flag[2:]}{extra}")
    return "\n".join(lines) + "\n"
