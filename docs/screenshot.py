"""Regenerate the README's screenshot: ``python docs/screenshot.py`` (writes
docs/example-screenshot.svg).

The companion on the made-up example show (data/example) at episode 2, finished, 120×36 —
never the real show, whose later episodes a reader may not have seen; nothing is saved.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


async def main(position: str = "2:end", out: Path = HERE / "example-screenshot.svg") -> None:
    os.environ.setdefault("COMPANION_STATE_DIR", tempfile.mkdtemp())
    os.environ["COMPANION_NO_BLINK"] = "1"
    from runaway_companion.pack import load_pack
    from runaway_companion.progress import Position
    from runaway_companion.tui import CompanionApp

    pack = load_pack(HERE.parent / "data" / "example")
    app = CompanionApp(pack=pack, position=Position.parse(position), save=False)
    app.animation_level = "none"
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(4):
            await pilot.pause()
        app.save_screenshot(out.name, str(out.parent))
    print(f"wrote {out}")


if __name__ == "__main__":
    asyncio.run(main())
