"""An export pauses the cyclic garbage collector while it reads, builds and writes, and leaves it
as it found it (disclosure/exporting.py, ``without_cycle_collection``)."""

import gc

import pytest

from disclosure.exporting import build_workbook

pytestmark = pytest.mark.django_db


def test_the_collector_is_paused_during_an_export_and_running_after_it(demo):
    seen = []
    built = build_workbook(cycle=demo, progress=lambda pct, step: seen.append(gc.isenabled()))
    assert seen and not any(seen)
    assert gc.isenabled()
    assert built.to_bytes()[:2] == b"PK"
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(demo):
    gc.disable()
    try:
        build_workbook(cycle=demo).to_bytes()
        assert not gc.isenabled()
    finally:
        gc.enable()
