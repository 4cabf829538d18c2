"""The shape every report has, apart from any one report: tables, charts, the report.

A :class:`Report` is a title and one or more :class:`Table` (a pandas DataFrame with
Chinese column headers, the column to subtotal by, and whether it has a total row) and
the charts worth drawing (:class:`BarChart`, :class:`Timeline`). The reports
(``reports.disposal`` … ``reports.reception``) and the consolidated report
(``reports.rollup``) make them; the writers (``reports.writers``) and the Fava page
(``reports.dashboard_page``) read them. Money stays ``Decimal`` here.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Sequence
from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Any

import pandas as pd

ZERO = Decimal(0)
CENT = Decimal("0.01")


def is_blank(value: Any) -> bool:
    """None, NaN or pandas' NA: a cell with nothing in it."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


@dataclasses.dataclass(frozen=True)
class Column:
    """A column of a table.

    Attributes:
        key: The DataFrame column.
        header: The Chinese header.
        kind: ``text``, ``money`` (Decimal yuan), ``count``, ``date``, ``percent`` (a
            Decimal fraction) or ``number``.
        summed: Whether subtotals and totals add it up (money and counts by default).
    """

    key: str
    header: str
    kind: str = "text"
    summed: bool | None = None

    @property
    def adds_up(self) -> bool:
        if self.summed is not None:
            return self.summed
        return self.kind in ("money", "count")


@dataclasses.dataclass
class Table:
    """One table of a report: its rows, and how they add up.

    Attributes:
        name: A short name (the xlsx sheet).
        title: The table's heading.
        columns: The columns, in order.
        frame: One row per item, its columns named by ``Column.key``.
        group: A column key: a subtotal row follows every run of equal values.
        group_label: The column whose value names the group in its subtotal row.
        total: Whether a total row closes the table.
        notes: Lines printed under the table.
        ratios: Columns that subtotals and totals compute as one sum over another,
            e.g. ``{"per_person": ("counted", "guests")}``.
    """

    name: str
    title: str
    columns: list[Column]
    frame: pd.DataFrame
    group: str | None = None
    group_label: str | None = None
    total: bool = True
    notes: list[str] = dataclasses.field(default_factory=list)
    ratios: dict[str, tuple[str, str]] = dataclasses.field(default_factory=dict)

    def sums(self, frame: pd.DataFrame) -> dict[str, Any]:
        """The sums of the columns that add up, over ``frame``'s rows."""
        result: dict[str, Any] = {}
        for column in self.columns:
            if not column.adds_up:
                continue
            values = [v for v in frame[column.key] if not is_blank(v)]
            if column.kind == "money":
                result[column.key] = sum((Decimal(v) for v in values), ZERO)
            else:
                result[column.key] = sum(values, 0)
        kinds = {c.key: c.kind for c in self.columns}
        for key, (numerator, denominator) in self.ratios.items():
            top, bottom = result.get(numerator), result.get(denominator)
            if top is None or not bottom:
                continue
            ratio = Decimal(top) / Decimal(bottom)
            result[key] = (
                ratio.quantize(CENT, ROUND_HALF_UP) if kinds[key] == "money" else ratio
            )
        return result

    @property
    def label_key(self) -> str:
        """The column where "小计"/"合计" is written: the first text column."""
        for column in self.columns:
            if column.kind == "text":
                return column.key
        return self.columns[0].key

    def rows(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every line to print: ``("row", …)``, ``("subtotal", …)``, ``("total", …)``."""
        records = self.frame.to_dict("records")
        if self.group is not None and records:
            start = 0
            for index in range(1, len(records) + 1):
                if (
                    index == len(records)
                    or records[index][self.group] != records[start][self.group]
                ):
                    run = records[start:index]
                    yield from (("row", r) for r in run)
                    if len(run) == 1:  # a subtotal of one row repeats it
                        start = index
                        continue
                    sub = self.sums(self.frame.iloc[start:index])
                    name = run[0].get(self.group_label or self.group)
                    sub[self.label_key] = f"小计：{'' if is_blank(name) else name}"
                    yield "subtotal", sub
                    start = index
        else:
            yield from (("row", r) for r in records)
        if self.total and any(c.adds_up for c in self.columns):
            total = self.sums(self.frame)
            total[self.label_key] = "合计"
            yield "total", total


@dataclasses.dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal, ...]


@dataclasses.dataclass(frozen=True)
class BarChart:
    """Grouped bars, one group per category, one bar per series."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = "元"
    reference: Decimal | None = None
    reference_label: str = ""
    stacked: bool = False


@dataclasses.dataclass(frozen=True)
class Phase:
    name: str
    start: datetime.date
    end: datetime.date
    state: str
    progress: str = ""


@dataclasses.dataclass(frozen=True)
class Timeline:
    """Phases on a calendar, with a line at the as-of date."""

    title: str
    phases: tuple[Phase, ...]
    marker: datetime.date


Chart = BarChart | Timeline


@dataclasses.dataclass
class Report:
    """A report: title, tables and charts.

    Attributes:
        kind: One of ``KINDS`` (or ``consolidate``).
        title: The report's Chinese title.
        subtitle: What it covers (the programs' documents).
        as_of: The date it is made at.
        tables: The tables, the main one first.
        charts: Pictures for the html report.
        notes: Lines printed under the title block.
    """

    kind: str
    title: str
    subtitle: str
    as_of: datetime.date | None
    tables: list[Table]
    charts: list[Chart] = dataclasses.field(default_factory=list)
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def main(self) -> Table:
        return self.tables[0]


def frame(
    columns: Sequence[Column], rows: Iterable[dict[str, Any]], extra: Sequence[str] = ()
) -> pd.DataFrame:
    """A DataFrame of ``columns`` (and ``extra`` keys not shown), object dtype.

    Object dtype keeps Decimal and date as they are.
    """
    keys = [c.key for c in columns] + list(extra)
    data = [[row.get(k) for k in keys] for row in rows]
    return pd.DataFrame(data, columns=keys, dtype=object)
