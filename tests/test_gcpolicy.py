"""runaway_companion/gcpolicy.py: every pause of the cyclic GC ends, and the start's pause ends at
the first frame."""
from __future__ import annotations

import gc

import pytest

from runaway_companion import gcpolicy


@pytest.fixture(autouse=True)
def _gc_restored():
    was = gc.isenabled()
    yield
    gcpolicy._start_paused = False
    if was:
        gc.enable()
    else:  # pragma: no cover
        gc.disable()


def test_paused_turns_the_gc_off_and_back_on_even_after_an_error():
    with gcpolicy.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        with gcpolicy.paused():
            1 / 0
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_the_outer_one_in_force():
    with gcpolicy.paused():
        with gcpolicy.paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_build_returns_what_the_builder_returns_with_the_gc_off():
    @gcpolicy.paused_build
    def build(x, *, y):
        return x + y, gc.isenabled()

    assert build(1, y=2) == (3, False)
    assert gc.isenabled()


def test_resume_after_start_ends_only_the_start_pause():
    gcpolicy.pause_for_start()
    assert not gc.isenabled()
    gcpolicy.resume_after_start()
    assert gc.isenabled()
    gcpolicy.resume_after_start()  # twice: nothing more
    assert gc.isenabled()
    gc.disable()  # someone else's pause is not the start's
    gcpolicy.resume_after_start()
    assert not gc.isenabled()


def test_launch_ends_the_start_pause_even_when_the_app_never_starts(monkeypatch):
    """An app that fails before its first frame still leaves the GC on."""
    from runaway_companion import cli
    import runaway_companion.tui as tui

    class Boom(Exception):
        pass

    class NoApp:
        def __init__(self, *args, **kwargs):
            raise Boom

    monkeypatch.setattr(tui, "CompanionApp", NoApp)
    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True, raising=False)
    with pytest.raises(Boom):
        cli.launch(cli.build_parser().parse_args([]))
    assert gc.isenabled()
