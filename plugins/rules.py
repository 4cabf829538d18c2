"""Every liaison-office rule, on every load: the plugin a ledger names.

Write in the ledger::

    plugin "plugins.rules"
    plugin "plugins.rules" "{'disable': ['LO-110'], 'as-of': '2016-12-31'}"

The config string is a Python literal (read with ``ast.literal_eval``). Its keys:

- ``disable``: rule codes to switch off;
- ``only``: rule codes to run, none other;
- ``as-of``: the date deadline rules are judged at (default: today);
- any program setting of SPEC section 4 (``dispose-by``, ``loss-tolerance``, …): it
  overrides the preset and the program's own metadata for every program.

An unknown key or a bad value is itself an error (LI-302), returned, never raised.

Each violation is a Beancount error of type ``PolicyViolation`` at the offending entry;
its message begins with ``[CODE name]``. The codes (``plugins.catalogue`` holds each
once; ``liaison explain CODE`` prints one):

LO-101 office-must-abolish · LO-102 retention-unapproved · LO-103 consolidation-required ·
LO-104 new-office-banned · LO-105 funding-banned-office · LO-106 enterprise-not-delinked ·
LO-107 window-overstaffed · LO-108 audit-missing · LO-109 venue-purchase-banned ·
LO-110 reception-over-standard · LO-111 registration-missing ·
LD-201 disposal-method · LD-202 below-appraisal · LD-203 transfer-improper ·
LD-204 disposal-unapproved · LD-205 disposal-overdue · LD-206 proceeds-unremitted ·
LD-207 misappropriation · LD-208 claims-unsettled · LD-209 acquisition-after-abolition ·
LD-210 accounts-not-closed · LD-211 proceeds-as-income · LD-212 proceeds-held ·
LD-213 appraisal-stale · LI-301 undeclared-office · LI-302 bad-metadata

A ledger that passes::

    plugin "plugins.rules" "{'as-of': '2015-07-25'}"
    2015-01-01 custom "program" "HB-2015" "咸宁市清理规范驻省会城市办事机构实施方案"
      preset: "capital-2015"
    2015-01-01 custom "government" "XN" "咸宁市人民政府"
      level: "prefecture"
    2015-01-01 custom "office" "XN-WH" "咸宁市人民政府驻武汉办事处"
      government: "XN"
      kind: "government"
      host: "武汉"
      program: "HB-2015"

and one that fails (a window of four, LO-107)::

    2015-09-01 custom "window" "XN-WH" "XN"
      staff: 4
"""

from __future__ import annotations

from typing import Any

from beancount.core import data

from plugins import engine

__plugins__ = ("check",)


def check(
    entries: data.Directives, options_map: dict[str, Any], config: str | None = None
) -> tuple[data.Directives, list[Any]]:
    """The umbrella plugin: run every rule of the catalogue on the ledger.

    Returns the entries untouched and the violations. Never raises: an unexpected
    failure of the rule engine itself becomes one LI-302 error that says so.
    """
    return entries, engine.run_plugin(entries, options_map, config)
