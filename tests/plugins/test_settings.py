"""Program presets and the settings a program, its metadata and the config override."""

from __future__ import annotations

import datetime
from decimal import Decimal

from plugins import settings as settings_lib

D = datetime.date


def test_presets_and_overrides():
    s, problems = settings_lib.build("capital-2015")
    assert (s.dispose_by, s.delink_by, s.consolidation) == (
        D(2015, 8, 31),
        D(2015, 10, 20),
        True,
    )
    assert problems == []
    s, problems = settings_lib.build(
        "beijing-2010", {"dispose-by": D(2010, 9, 30), "close-grace": "many"}
    )
    assert s.dispose_by == D(2010, 9, 30)
    assert s.close_grace == 90  # the bad override falls back to the preset
    assert [key for key, _ in problems] == ["close-grace"]


def test_tolerance_below_one_is_a_fraction_above_is_yuan():
    s, _ = settings_lib.build("capital-2015", {"loss-tolerance": Decimal("0.05")})
    assert s.tolerance(Decimal("1000")) == Decimal("50.00")
    s, _ = settings_lib.build("capital-2015", {"loss-tolerance": Decimal("300")})
    assert s.tolerance(Decimal("1000")) == Decimal("300")
