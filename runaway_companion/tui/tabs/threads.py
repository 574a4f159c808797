"""The Threads tab: open and resolved plot threads as of now, their beats, and a timeline.

The timeline shows every episode as a column (the episode count is public) but draws nothing
to the right of the viewer's position: an open thread's bar stops at "now", a resolved one at
its resolution, and columns after "now" look the same for every thread.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets.option_list import Option

from runaway_companion.progress import CHECKPOINTS, Position
from runaway_companion.tui.panes import ListDetailPane
from runaway_companion.tui.text import truncate, uncertain, when
from runaway_companion.tui.statics import RichStatic

if TYPE_CHECKING:  # pragma: no cover
    from runaway_companion.view import ThreadView, View

BAR, BEAT, RESOLVED, OPEN_END, NOW, EDGE = "━", "●", "✓", "▸", "┆", "·"
MIN_STEP, MAX_STEP = 4, 12  # columns an episode takes on the timeline (its edge included)
MAX_LABEL = 40  # the widest the thread-name column gets


class Axis:
    """Where a position falls on a timeline ``width`` cells wide with ``episodes`` columns.

    The label column fits the longest thread name (``longest`` cells) when the episodes still
    get ``MIN_STEP`` columns each; the episodes share what is left, up to ``MAX_STEP`` each.
    Each episode owns ``step`` columns: its checkpoints from its label (``start``) rightwards
    to ``end``, then one edge column before the next episode's label — so a beat at the end
    of episode 3 sits inside episode 3's span, never next to the "4".
    """

    def __init__(self, episodes: int, width: int, longest: int = 26):
        self.episodes = max(1, episodes)
        self.label = max(8, min(longest + 1, MAX_LABEL, width - 1 - MIN_STEP * self.episodes))
        self.step = max(3, min(MAX_STEP, (width - self.label - 1) // self.episodes))

    @classmethod
    def of(cls, view: "View", width: int) -> "Axis":
        """The axis :func:`timeline` draws ``view`` on, ``width`` cells wide."""
        return cls(view.episode_count, width,
                   max((cell_len(t.title) for t in view.threads), default=8))

    def start(self, episode: int) -> int:
        """The column of episode ``episode``'s label (its ``start`` checkpoint)."""
        return self.label + 1 + (episode - 1) * self.step

    def span(self, episode: int) -> range:
        """The columns of episode ``episode``'s checkpoints (``start`` to ``end``)."""
        return range(self.start(episode), self.start(episode) + self.step - 1)

    def col(self, position: Position) -> int:
        idx = CHECKPOINTS.index(position.checkpoint)
        return self.start(position.episode) + round(idx * (self.step - 2) / (len(CHECKPOINTS) - 1))

    @property
    def end(self) -> int:
        return self.label + 1 + self.episodes * self.step


def timeline(view: "View", width: int, selected: str | None = None) -> Text:
    """Episodes across, one row per visible thread, nothing drawn past the viewer's position."""
    axis = Axis.of(view, width)
    now = view.position
    now_col = axis.col(now)
    out = Text(no_wrap=True, overflow="crop")
    # header: episode numbers at the start of their spans, a faint dot on each edge between two
    header = [" "] * axis.end
    edges = [axis.start(e) - 1 for e in range(2, view.episode_count + 1)]
    for x in edges:
        header[x] = EDGE
    for e in range(1, view.episode_count + 1):
        x = axis.start(e)
        for i, ch in enumerate(str(e)):
            if x + i < len(header):
                header[x + i] = ch
    out.append("Episode".ljust(axis.label)[: axis.label], style="dim")
    x = axis.label
    for e in range(1, view.episode_count + 1):  # the label bold (reverse: the episode you're in)
        x0 = axis.start(e)
        out.append("".join(header[x:x0]), style="dim")
        label = "".join(header[x0:x0 + len(str(e))])
        out.append(label, style="bold reverse" if e == now.episode else "bold")
        x = x0 + len(label)
    for thread in view.threads:
        out.append("\n")
        row = [" "] * (axis.end + 1)
        styles = [""] * (axis.end + 1)
        for x in edges:
            row[x], styles[x] = EDGE, "dim"
        # a faint "now" line just right of where you are (an open thread's ▸ ends on it), the
        # same on every row
        row[now_col + 1] = NOW
        styles[now_col + 1] = "dim"
        start = axis.col(thread.opened)
        stop = axis.col(thread.resolution.at) if thread.resolution else now_col
        colour = "green" if thread.status == "resolved" else "bold"
        for x in range(start, stop + 1):
            row[x], styles[x] = BAR, colour
        for beat in thread.beats:
            x = axis.col(beat.at)
            if start <= x <= stop:
                row[x], styles[x] = BEAT, colour
        row[stop] = RESOLVED if thread.resolution else OPEN_END
        styles[stop] = colour
        title = truncate(thread.title, axis.label - 1).ljust(axis.label)
        mark = "reverse" if thread.id == selected else ("" if thread.status == "open" else "dim")
        out.append(title, style=mark or None)
        # nothing past "now" but the edges, which are the same on every row
        line = "".join(row[axis.label:]).rstrip(" " + EDGE)
        x = 0
        while x < len(line):
            style = styles[axis.label + x]
            end = x
            while end < len(line) and styles[axis.label + end] == style:
                end += 1
            out.append(line[x:end], style=style or None)
            x = end
    out.append("\n")
    out.append(f"{BAR}{OPEN_END} open  {BAR}{RESOLVED} resolved  {BEAT} beat  {NOW} you are here",
               style="dim")
    return out


class Timeline(Widget):
    """The compact thread timeline; redrawn to the width it is given."""

    DEFAULT_CSS = "Timeline { height: auto; text-wrap: nowrap; text-overflow: clip; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.view: "View | None" = None
        self.selected: str | None = None

    def show(self, view: "View", selected: str | None) -> None:
        self.view, self.selected = view, selected
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if self.view is None:
            return 1
        return len(self.view.threads) + 2

    def render(self) -> Text:
        if self.view is None:
            return Text("")
        return timeline(self.view, max(20, self.size.width or 80), self.selected)


def thread_detail(thread: "ThreadView") -> RenderableType:
    status = ("Resolved" if thread.status == "resolved" else "Open")
    parts: list[RenderableType] = [
        Text(thread.title, style="bold underline"),
        Text(f"{status} · opened {when(thread.opened).replace('Ep ', 'in Episode ')}",
             style="italic"),
        Text(""),
    ]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(ratio=1)
    for beat in thread.beats:
        grid.add_row(when(beat.at), Text(beat.text + uncertain(beat)))
    if thread.resolution is not None:
        grid.add_row(Text(when(thread.resolution.at), style="bold"),
                     Text.assemble(("✓ ", "green"), thread.resolution.text
                                   + uncertain(thread.resolution)))
    if not thread.beats and thread.resolution is None:
        parts.append(Text("Nothing more yet.", style="dim"))
    else:
        parts.append(grid)
    if len(thread.titles) > 1:
        parts.append(Text(""))
        parts.append(Text("Also called: " + ", ".join(t.text for t in thread.titles[:-1]),
                          style="dim"))
    return Group(*parts)


class ThreadsPane(ListDetailPane):
    """Threads open and resolved on the left; the timeline and the thread's beats on the right."""

    kind, prefix, list_id, body_id = "thread", "thr", "thr-list", "thr-body"
    main_id = "thr-list"

    def compose_detail(self):
        yield Timeline(id="thr-timeline")
        yield RichStatic("", id="thr-detail")

    def count_text(self, view: "View") -> str:
        if not view.threads:
            return "No threads yet"
        open_ = sum(1 for t in view.threads if t.status == "open")
        return f"{open_} open · {len(view.threads) - open_} resolved"

    def signature(self, view: "View") -> object:
        return (tuple((t.id, t.title) for t in view.threads if t.status == "open"),
                tuple((t.id, t.title) for t in view.threads if t.status == "resolved"))

    def build_options(self, view: "View") -> list[Option]:
        open_ = [t for t in view.threads if t.status == "open"]
        done = [t for t in view.threads if t.status == "resolved"]
        options: list[Option] = []
        if open_:
            options.append(Option(Text(f"Open · {len(open_)}", style="bold"),
                                  id="hdr:open", disabled=True))
            options.extend(Option(Text("  " + t.title), id=t.id) for t in open_)
        if done:
            options.append(Option(Text(f"Resolved · {len(done)}", style="bold"),
                                  id="hdr:resolved", disabled=True))
            options.extend(Option(Text("  ✓ " + t.title), id=t.id) for t in done)
        return options

    def draw_detail(self, view: "View", ident: str | None) -> None:
        thread = view.thread(ident) if ident else None
        if thread is None and view.threads:
            thread = view.threads[0]
        self.part("thr-timeline", Timeline).show(view, thread.id if thread else None)
        detail = self.part("thr-detail", RichStatic)
        if thread is None:
            detail.show(_no_threads)
        else:  # unchanged (same thread as seen now), it is not built or painted again
            detail.show(thread_detail, thread)


def _no_threads() -> Text:
    return Text("No plot threads yet — they appear as the story opens them.", style="dim")
