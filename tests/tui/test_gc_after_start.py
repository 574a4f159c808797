"""The start's pause of the cyclic GC (runaway_companion/gcpolicy.py) ends at the first frame."""
from __future__ import annotations

import gc

from runaway_companion import gcpolicy

from .helpers import until


async def test_the_app_turns_the_gc_back_on_after_its_first_frame(real_pack, make_app):
    was = gc.isenabled()
    gcpolicy.pause_for_start()
    try:
        app = make_app(real_pack, "1:end", freeze_gc=True, save=False)
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, gc.isenabled, "the GC is on again")
    finally:
        gcpolicy.resume_after_start()
        if was:
            gc.enable()
