"""The reports by kind (SPEC section 6): ``build(kind, books, violations)``.

Each kind is a module of its own, a pure function from the books to a
:class:`reports.tables.Report`; nothing here reads or writes a file, so the Fava page
calls the same functions:

- ``disposal`` — 资产处置明细表 (``reports.disposal``);
- ``progress`` — 清理规范工作进度 (``reports.progress``);
- ``registration`` — 附表一 核实登记表 (``reports.registration``);
- ``reconciliation`` — 资金、往来款项和债权债务专项报告 (``reports.reconciliation``);
- ``reception`` — 公务接待信息公开 (``reports.reception``).

The table and chart types are in ``reports.tables``, what the reports read from the
books in ``reports.queries``, the words they print in ``reports.labels``.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence

from plugins import model
from plugins.catalogue import PolicyViolation
from reports import disposal
from reports import progress
from reports import reception
from reports import reconciliation
from reports import registration
from reports.tables import Report

KINDS = ("disposal", "progress", "registration", "reconciliation", "reception")

BUILDERS: dict[str, Callable[[model.Books, Sequence[PolicyViolation]], Report]] = {
    "disposal": disposal.build,
    "progress": progress.build,
    "registration": registration.build,
    "reconciliation": reconciliation.build,
    "reception": reception.build,
}


def build(
    kind: str, books: model.Books, violations: Sequence[PolicyViolation] = ()
) -> Report:
    """The report ``kind`` (one of ``KINDS``) of the books at ``books.as_of``."""
    try:
        builder = BUILDERS[kind]
    except KeyError:
        raise ValueError(f"unknown report {kind!r}; one of {', '.join(KINDS)}") from None
    return builder(books, violations)


__all__ = ["BUILDERS", "KINDS", "build"]
