"""`companion new-pack DIR`: a pack to start from — the made-up example show (data/example),
each file headed by comments that teach its format, the JSON Schemas beside it for an editor.
It validates as written. Nothing here imports Textual.
"""
from __future__ import annotations

import re
from pathlib import Path

from runaway_companion.packcheck import FILES, ID_RE

SCHEMA_FOLDER = "schemas"

_EVERY_FILE = """\
# Every piece of data says WHEN THE VIEWER LEARNS IT: a reveal point "E:CHECKPOINT", e.g. "2:late"
# (episode 2, three quarters in). Checkpoints: early (a quarter in), mid (halfway), late (three
# quarters), end (finished). A viewer at 3:start sees everything up to the end of episode 2.
# No reveal point, no show: a piece without `at` is an error, never "always visible".
# Every dated piece cites `sources: [KEY, …]` (keys of sources.yaml) and may say
# `confidence: low` (weakly sourced, kept for continuity).
# Check the pack with `companion validate DIR`; see it with `companion --pack DIR`.
"""

HEADERS = {
    "show.yaml": """\
# show.yaml — the show and its episodes. THIS IS A MADE-UP EXAMPLE SHOW: replace it with yours.
#   id:       a stable id for the show (lowercase letters, digits, '-'); saved progress is kept per id
#   title:    the show's title
#   episodes: numbered 1..N without gaps; each may have
#     title:  {text, sources} — shown once the viewer has started that episode (N:early)
#     recap:  beats inside the episode, in order; here `at` is just a checkpoint word
#             (early | mid | late | end), since the episode is the one they are in
# The first line of each file points an editor's YAML language server at its JSON Schema in
# schemas/ (keys completed, a bad reveal point flagged as you type); `companion schema --write
# schemas` refreshes them after an update. The validator stays the authority.
""",
    "characters.yaml": """\
# characters.yaml — who is in the show, each piece with its own reveal point.
#   id:       neutral and stable (ids are shown in exports: `stranger`, never `lost-brother`)
#   appears:  {at, sources} — when the viewer learns the character exists
#   names:    in reveal order; the first is revealed exactly when the character appears.
#             A later `kind: name` replaces the shown name (the old one becomes an alias);
#             `kind: alias` adds an alias
#   actor, groups, roles, statuses, facts: optional, each entry dated; the latest visible role
#             and status are shown; facts are card lines, each written for a viewer who has
#             JUST reached its reveal point (no "yet", no "for now")
""",
    "relationships.yaml": """\
# relationships.yaml — links between two characters.
#   between:  [id-one, id-two], two characters of characters.yaml
#   stages:   the label as understood then, in reveal order; the first stage is when the link
#             becomes known, and a later stage relabels it ("Strangers" -> "Sister and brother")
#   history:  optional dated beats of the relationship (none before its first stage)
""",
    "threads.yaml": """\
# threads.yaml — plot threads.
#   titles:   the first title opens the thread; later ones rename it
#   beats:    dated turns of the thread, in order (none before it opens)
#   resolved: optional {text, at, sources}, no earlier than its last beat
""",
    "sources.yaml": """\
# sources.yaml — what backs each line: KEY: {url, outlet, at, title?}
#   KEY:      neutral (S1, S2, …): keys are shown beside the lines they back
#   url:      the page (https://…); outlet: who published it; title: its headline (optional)
#   at:       the LATEST episode (and checkpoint) the page covers — a review of episode 2 is
#             "2:end". A source whose url or title names something revealed after its `at` is
#             refused, so date it at the latest episode it covers. Every key must be cited.
""",
}

_MODELINE = re.compile(r"\A# yaml-language-server:[^\n]*\n")
_SHOW_ID = re.compile(r"^id: .*$", re.M)


def scaffold(example: dict[str, str], folder_name: str, schemas: dict[str, str]) -> dict[str, str]:
    """The new pack's files (relative path -> text) from the example pack's files: each pack
    file starts with its schema line and its teaching comments; the show's id is the folder's
    name when that is an id (so its saved progress is its own, not the example's)."""
    out: dict[str, str] = {}
    for name in FILES:
        body = _MODELINE.sub("", example[name], count=1)
        if name == "show.yaml" and ID_RE.match(folder_name):
            body = _SHOW_ID.sub(f"id: {folder_name}", body, count=1)
        schema = f"{SCHEMA_FOLDER}/{name.replace('.yaml', '.schema.json')}"
        out[name] = (f"# yaml-language-server: $schema={schema}\n" + HEADERS[name]
                     + _EVERY_FILE + "\n" + body)
    for name, text in schemas.items():
        out[f"{SCHEMA_FOLDER}/{name.replace('.yaml', '.schema.json')}"] = text
    return out


def folder_problem(target: Path) -> str | None:
    """Why new-pack cannot write into ``target`` (one line), or None."""
    try:
        if target.is_dir():
            if any(target.iterdir()):
                return (f"{target} is not empty — new-pack writes only into a new or empty "
                        "folder")
            return None
        if target.exists() or target.is_symlink():
            return f"{target} is not a folder — give new-pack a new or empty folder"
    except OSError as exc:
        return f"cannot use {target} ({exc.strerror or exc})"
    return None
