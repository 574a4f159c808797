"""View → JSON / Markdown: everything visible at one position (the `export` contract)."""
from __future__ import annotations

import json

from runaway_companion.view import MARK_LEGEND, View, mark


def to_json_dict(view: View) -> dict:
    return {
        "show": {"id": view.show_id, "title": view.show_title,
                 **({"ids": dict(view.pack.ids)} if view.pack.ids else {})},
        "progress": {"episode": view.position.episode, "at": view.position.checkpoint},
        "episodes": [_episode(view, e) for e in view.episodes],
        "characters": [
            {
                "id": c.id,
                "name": c.name,
                "aliases": list(c.aliases),
                "actor": c.actor,
                "role": c.role,
                "status": c.status,
                "facts": [f.text for f in c.facts],
                # this character's side: what each other person is to them
                "relationships": [{"with": r.other(c.id).name, "label": r.label_for(c.id)}
                                  for r in view.relationships_of(c.id)],
            }
            for c in view.characters
        ],
        "relationships": [
            # read from neither side: the neutral label, or both sides in the order of `between`
            {"between": [r.a.name, r.b.name], "label": r.label, "history": [h.text for h in r.history]}
            for r in view.relationships
        ],
        "threads": [
            {
                "id": t.id,
                "title": t.title,
                "status": t.status,
                "beats": [b.text for b in t.beats] + ([t.resolution.text] if t.resolution else []),
            }
            for t in view.threads
        ],
    }


def _episode(view: View, e) -> dict:
    out = {"number": e.number, "title": e.title, "recap": [b.text for b in e.recap]}
    # external ids (when the pack gives them) are keys to the episode's title elsewhere: they
    # are shown as its title is, once the viewer has started it; before, there is no "ids" key
    ids = view.pack.episodes[e.number - 1].ids
    if ids and e.state != "unstarted":
        out["ids"] = dict(ids)
    return out


def to_json(view: View) -> str:
    return json.dumps(to_json_dict(view), indent=2, ensure_ascii=False)


def to_markdown(view: View) -> str:
    used = False

    def m(text: str, item) -> str:  # the one mark, and a note that the legend is due
        nonlocal used
        sign = mark(item)
        used = used or bool(sign)
        return text + sign

    lines = [f"# {view.show_title} — as of {view.position.describe()}", ""]
    lines += ["## Episodes", ""]
    unstarted = [e.number for e in view.episodes if e.state == "unstarted"]
    for e in view.episodes:
        if e.state == "unstarted":
            continue  # one line below for all of them, not a heading each with nothing under it
        lines.append(f"### {e.label}")
        lines.extend(f"- {m(b.text, b)}" for b in e.recap)
        if e.state == "current" and e.recap_note:
            lines.append(f"- *{e.recap_note}*")
        lines.append("")
    if unstarted:
        span = (f"episode {unstarted[0]}" if len(unstarted) == 1
                else f"episodes {unstarted[0]}–{unstarted[-1]}")
        lines += [f"*Not started yet: {span}.*", ""]
    lines += ["## Characters", ""]
    for c in view.characters:
        lines.append(f"### {c.name}")
        if c.aliases:
            lines.append(f"- Also known as: {', '.join(c.aliases)}")
        if c.actor:
            lines.append(f"- Played by: {m(c.actor, c.actor_item)}")
        if c.role:
            lines.append(f"- Role: {m(c.role, c.role_item)}")
        if c.status:
            lines.append(f"- Status: {m(c.status, c.status_item)}")
        lines.extend(f"- {m(f.text, f)}" for f in c.facts)
        for r in view.relationships_of(c.id):
            lines.append(f"- {r.other(c.id).name}: {m(r.label_for(c.id), r.stage)}")
        lines.append("")
    lines += ["## Relationships", ""]
    for r in view.relationships:
        lines.append(f"- **{r.a.name} ↔ {r.b.name}**: {m(r.label, r.stage)}")
        lines.extend(f"  - {m(h.text, h)}" for h in r.history)
    lines += ["", "## Threads", ""]
    for t in view.threads:
        lines.append(f"### {m(t.title, t.titles[-1] if t.titles else None)} ({t.status})")
        lines.extend(f"- {m(b.text, b)}" for b in t.beats)
        if t.resolution:
            lines.append(f"- Resolved: {m(t.resolution.text, t.resolution)}")
        lines.append("")
    if used:
        lines += ["---", "", MARK_LEGEND, ""]
    return "\n".join(lines).rstrip() + "\n"
