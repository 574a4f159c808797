"""The reveal audit: checkpoint by checkpoint, what becomes visible, with source keys."""
from __future__ import annotations

import json

from runaway_companion.model import Pack
from runaway_companion.progress import Position, all_positions
from runaway_companion.view import changes

LABELS = {
    "episode-title": "episode title", "recap": "recap", "character": "NEW CHARACTER",
    "name": "now named", "alias": "alias", "actor": "actor", "group": "group", "role": "role",
    "status": "status", "fact": "fact", "relationship": "NEW RELATIONSHIP", "label": "relabelled",
    "history": "history", "thread": "NEW THREAD", "thread-title": "thread renamed",
    "beat": "beat", "resolved": "RESOLVED",
}


def schedule(pack: Pack, limit: Position | None = None) -> list[tuple[Position, list]]:
    """Each checkpoint and what it reveals — up to and including ``limit`` when given."""
    positions = all_positions(pack.episode_count)
    if limit is not None:
        positions = [p for p in positions if p <= limit]
    return [(cur, changes(pack, prev, cur)) for prev, cur in zip(positions, positions[1:])]


def audit_text(pack: Pack, limit: Position | None = None) -> str:
    upto = f", up to {limit}" if limit is not None else ""
    lines = [f"Reveal audit — {pack.title} ({pack.episode_count} episodes{upto})", ""]
    for position, items in schedule(pack, limit):
        if position.checkpoint == "start":
            continue
        lines.append(f"== {position} ({position.describe()}) — {len(items)} reveal(s)")
        for c in items:
            low = " [low confidence]" if c.confidence == "low" else ""
            text = f": {c.text}" if c.text else ""
            lines.append(f"  {LABELS[c.kind]:<17} {c.subject}{text}  <{', '.join(c.sources)}>{low}")
        lines.append("")
    return "\n".join(lines)


def audit_json(pack: Pack, limit: Position | None = None) -> str:
    out = []
    for position, items in schedule(pack, limit):
        if position.checkpoint == "start":
            continue
        out.append({"position": str(position), "reveals": [
            {"kind": c.kind, "subject": c.subject, "text": c.text, "sources": list(c.sources),
             "confidence": c.confidence} for c in items]})
    head = {"show": pack.id} if limit is None else {"show": pack.id, "up_to": str(limit)}
    return json.dumps({**head, "checkpoints": out}, indent=2, ensure_ascii=False) + "\n"
