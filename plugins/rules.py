"""Every liaison-office rule, on every load: the catalogue and the umbrella plugin.

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
its message begins with ``[CODE name]``. The codes (``liaison explain CODE`` prints one):

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

import dataclasses
import datetime
from decimal import Decimal
from typing import Any
from typing import NamedTuple

from beancount.core import data
from beancount.core.amount import Amount

__plugins__ = ("check",)


@dataclasses.dataclass(frozen=True)
class Rule:
    """One rule of the catalogue.

    Attributes:
        code: The stable code, e.g. ``LD-202``.
        name: The short name, e.g. ``below-appraisal``.
        clause: The policy clauses it implements, e.g. ``2010(十八); 2015 二(二)2``.
        title: One line: what is a violation.
        explanation: What it means, why the policy demands it, and how to fix it.
    """

    code: str
    name: str
    clause: str
    title: str
    explanation: str

    @property
    def family(self) -> str:
        return self.code[:2]

    @property
    def zh(self) -> str:
        """The rule's name in Chinese, for the accountants who read the errors."""
        return ZH[self.code]


class PolicyViolation(NamedTuple):
    """A violation of a liaison-office rule, at the entry that causes it."""

    source: data.Meta
    message: str
    entry: Any
    code: str
    office: str | None = None
    account: str | None = None


_CATALOGUE = (
    Rule(
        "LO-101",
        "office-must-abolish",
        "2010(六)(七); 2015 二(一)1-2",
        "an office its program abolishes by level or kind has no abolish/merge decision "
        "by decide-by, or was decided retain",
        "What: the program abolishes every office of this level or kind (county offices, "
        "departments' offices, development zones' offices), and this one has no `abolish` "
        "or `merge` decision dated on or before the program's decide-by date, or its "
        "latest decision is `retain`.\n"
        "Why: 国办发〔2010〕8号 (六)(七) abolish county and department offices in Beijing; "
        "the 2015 plan 二(一)1-2 abolishes county and department offices in Wuhan.\n"
        'Fix: record the decision: `custom "decision" "OFFICE" "abolish"` (or '
        '"merge" with `into:`) with its `approval:`. A late decision stays a violation: '
        "the deadline was missed.",
    ),
    Rule(
        "LO-102",
        "retention-unapproved",
        "2010(五); 2015 二(一)3, 二(二)4",
        "a retain decision that needs approval has none",
        "What: offices of prefecture-level governments (and, under the 2015 plan, every "
        "office that is kept, aid offices included) may be kept only with the approval "
        "of the government above; this `retain` decision carries no `approval:`, or the "
        "office was never decided by decide-by.\n"
        "Why: 2010(五) keeps prefecture offices only when the province approves; 2015 "
        "二(一)3 keeps the city's office only with the province's approval, 二(二)4 aid "
        "offices only after review.\n"
        'Fix: add `approval: "文号"` to the retain decision, or abolish the office.',
    ),
    Rule(
        "LO-103",
        "consolidation-required",
        "2015 二(二)1-3",
        "two or more retained offices where the program keeps one",
        "What: one dispatcher keeps a government office and a department office in one "
        "host city; or one dispatcher keeps offices in several host cities of one "
        "province; or a city and its county both keep an office in one host city.\n"
        "Why: the 2015 plan 二(二)1-3 orders these offices merged into one: the "
        "government's, or the city's.\n"
        "Fix: decide `merge` with `into:` the office that stays, and move the merged "
        "office's holdings there by transfer.",
    ),
    Rule(
        "LO-104",
        "new-office-banned",
        "2010(十九); 2015 四(二)",
        "an office declared or first used on or after the program's ban-from date",
        "What: the office did not exist before the program's ban-from date: its "
        "declaration, its first account and its registered `established` date all fall on "
        "or after it.\n"
        "Why: 2010(十九) and 2015 四(二) forbid setting up any new office in the capital "
        "under any name.\n"
        "Fix: if the office existed before, date its declaration or its registration's "
        "`established:` truly; otherwise it must not exist: abolish it.",
    ),
    Rule(
        "LO-105",
        "funding-banned-office",
        "2010(十九)",
        "money flows from a treasury into an office that is abolished or undeclared",
        "What: a transaction moves money out of `Assets:Treasury:<GOV>` into an account of "
        "an office that was abolished on or before its date, or that is not declared.\n"
        "Why: 2010(十九) forbids finance departments to fund offices set up against the "
        "rules.\n"
        "Fix: reverse the payment; an abolished office's bills are paid from its own cash "
        "or by its dispatching government directly.",
    ),
    Rule(
        "LO-106",
        "enterprise-not-delinked",
        "2015 二(四)2, 三(三)",
        "an office still holds a balance in Enterprises after delink-by",
        "What: an `Enterprises` account of the office (hotels, guesthouses and other "
        "operating entities) still carried a balance at the end of the program's "
        "delink-by date.\n"
        "Why: the 2015 plan 二(四)2 and 三(三) order offices cut loose from their hotels "
        "and guesthouses.\n"
        "Fix: transfer the holding to a state unit or sell it, with `disposal:` and "
        "`approval:`; a late delinking stays a violation.",
    ),
    Rule(
        "LO-107",
        "window-overstaffed",
        "2015 三(二)2",
        "a county window with more than 3 staff",
        "What: a county's work window at the city office has `staff:` above 3.\n"
        "Why: the 2015 plan 三(二)2 allows an abolished county's window at most 3 people.\n"
        "Fix: reduce the window's staff to 3 or fewer and record it.",
    ),
    Rule(
        "LO-108",
        "audit-missing",
        "2010(十一)",
        "a retained office with no audit for a year that ended more than audit-grace ago",
        'What: the office is kept, and no `custom "audit"` covers a year that ended '
        "more than audit-grace days before the as-of date. Years count from the year of "
        "the retain decision (or of the program, for offices kept without a decision).\n"
        "Why: 2010(十一) requires the dispatching government to audit its office every "
        "year.\n"
        'Fix: record the year\'s audit: `custom "audit" "OFFICE" "2015"` with '
        "`report:`.",
    ),
    Rule(
        "LO-109",
        "venue-purchase-banned",
        "2010(十一)",
        "an office acquires Land or Buildings whose use is operating or reception",
        "What: on or after the program's ban-from date, a transaction brings into an "
        'office\'s Land or Buildings account a property whose `use:` is "operating" '
        '(经营) or "reception" (接待). Registering existing holdings against Equity is '
        "not an acquisition.\n"
        "Why: 2010(十一) forbids building or buying operating or reception venues.\n"
        'Fix: undo the purchase; if the use is office work, say `use: "office"`.',
    ),
    Rule(
        "LO-110",
        "reception-over-standard",
        "2010(十六); 2015 二(四)2",
        "a Reception expense above reception-per-person × guests, or with no guests",
        "What: a transaction books to `Expenses:Office:<OFFICE>:Reception` more than the "
        "program's reception-per-person times its `guests:`, or gives no `guests:`.\n"
        "Why: 2010(十六) and 2015 二(四)2 forbid reception above the standard and require "
        "reception to be disclosed, which needs the number of guests.\n"
        "Fix: add `guests: N`; spending above the standard must be refunded or approved "
        "outside this program.",
    ),
    Rule(
        "LO-111",
        "registration-missing",
        "2015 三(二)1",
        "an office of a program has no registration by register-by",
        'What: the office has no `custom "registration"` dated on or before the '
        "program's register-by date.\n"
        "Why: the 2015 plan 三(二)1 verifies and registers every office (附表一) before "
        "anything is merged or abolished.\n"
        'Fix: record `custom "registration" "OFFICE"` with `staff:` and '
        "`established:`; a late registration stays a violation.",
    ),
    Rule(
        "LD-201",
        "disposal-method",
        "2010(十八); 2015 二(二)2",
        "an abolished office's physical asset leaves its account with no permitted method",
        "What: on or after the office's abolition, a transaction takes Land, Buildings, "
        "Vehicles, Equipment or Enterprises out of its account without `disposal:` "
        '"transfer", "auction" or "sale" (划转, 拍卖, 有偿转让).\n'
        "Why: 2010(十八) and 2015 二(二)2 allow only transfer, auction and paid sale, so "
        "that no state asset is lost.\n"
        "Fix: give the transaction its `disposal:` method and `approval:`.",
    ),
    Rule(
        "LD-202",
        "below-appraisal",
        "2010(十八); 2015 二(二)2",
        "an auction or sale below its appraisal without "
        "price-approval, or with no appraisal",
        "What: the proceeds an auction or sale brings into Cash and Receivables are less "
        "than its `appraisal:` less the program's loss-tolerance, and it has no "
        "`price-approval:`; or it has no appraisal at all.\n"
        "Why: selling below the appraised value loses state assets, which 2010(十八) and "
        "2015 二(二)2 forbid.\n"
        "Fix: record the `appraisal:`; a price below it needs `price-approval:` (the "
        "approval to sell below the appraised value).",
    ),
    Rule(
        "LD-203",
        "transfer-improper",
        "2015 二(二)2",
        "a transfer to anything but a state unit, without recipient, "
        "or below carrying amount",
        'What: a `disposal: "transfer"` moves the asset to an account that is not a state '
        "unit's (`Assets:State:*`, `Equity:Transfers:*`, a non-abolished office's "
        "`Assets:Office:*`), names no `recipient:`, or moves less than the full carrying "
        "amount.\n"
        "Why: a transfer (划转) is free only between state units; anything else is a "
        "sale or a loss of state assets (2015 二(二)2).\n"
        "Fix: book the full carrying amount to the receiving unit's account and add "
        "`recipient:`.",
    ),
    Rule(
        "LD-204",
        "disposal-unapproved",
        "2015 二(二)2",
        "a disposal with no approval",
        "What: a transaction with `disposal:` has no `approval:` (批准文号).\n"
        "Why: state assets are disposed of only with the approval the regulations "
        "require (2015 二(二)2: 按规定程序做好相关的报批工作).\n"
        'Fix: add `approval: "文号"`.',
    ),
    Rule(
        "LD-205",
        "disposal-overdue",
        "2010(十八); 2015 三(二)2",
        "an abolished office's asset still carries a balance after dispose-by",
        "What: a Land, Buildings, Vehicles, Equipment or Enterprises account of an "
        "abolished or merged office carried a balance at the end of the dispose-by date.\n"
        "Why: 2010(十八) gives six months, the 2015 plan 三(二)2 until 31 August, to "
        "dispose of everything.\n"
        "Fix: dispose of the asset (transfer, auction or sale); a late disposal stays a "
        "violation.",
    ),
    Rule(
        "LD-206",
        "proceeds-unremitted",
        "2010(十一); 2015 三(二)2",
        "an abolished office still holds Cash or owes DueToTreasury after dispose-by, or "
        "remitted to another government's treasury",
        "What: an abolished office's Cash or DueToTreasury carried a balance at the end of "
        "the dispose-by date, or money of the office went to `Assets:Treasury:<GOV>` of a "
        "government other than its dispatcher.\n"
        "Why: 2010(十一) puts the offices' asset income under the dispatching "
        "government's finance; the 2015 plan 三(二)2 orders the money reconciled.\n"
        "Fix: remit the cash to the dispatcher's treasury (pay down DueToTreasury).",
    ),
    Rule(
        "LD-207",
        "misappropriation",
        "2015 四(二)",
        "after abolition, an office's Cash goes anywhere not permitted",
        "What: after its abolition, the office's Cash went somewhere other than its own "
        "dispatcher's treasury, its own Payables or DueToTreasury, a permitted disposal, "
        "or an expense with `approval:`.\n"
        "Why: 2015 四(二) punishes misusing, dividing up or embezzling state assets while "
        "offices are abolished.\n"
        "Fix: recover the money; an expense that was due needs `approval:`.",
    ),
    Rule(
        "LD-208",
        "claims-unsettled",
        "2015 三(二)2",
        "an abolished office's receivables or payables are unsettled by dispose-by, or a "
        "receivable is written off without approval",
        "What: a Receivables or Payables account of an abolished office carried a balance "
        "at the end of the dispose-by date, or a receivable was written off (to Expenses "
        "or Equity) without `approval:`.\n"
        "Why: the 2015 plan 三(二)2 orders the claims and debts reconciled and settled.\n"
        "Fix: collect or pay; a write-off needs `approval:`.",
    ),
    Rule(
        "LD-209",
        "acquisition-after-abolition",
        "2010(十九)",
        "an abolished office acquires a physical asset after its abolition",
        "What: on or after its abolition an office's Land, Buildings, Vehicles, Equipment "
        "or Enterprises account grows, other than as the surviving office of a merge.\n"
        "Why: an abolished office may not act as one (2010(十九)); it may only wind down.\n"
        "Fix: reverse the acquisition.",
    ),
    Rule(
        "LD-210",
        "accounts-not-closed",
        "2015 三(二)2",
        "an abolished office's Assets or Liabilities accounts are still open close-grace "
        "after dispose-by",
        "What: an Assets or Liabilities account of an abolished office has no `close` on "
        "or before dispose-by plus close-grace days.\n"
        "Why: the 2015 plan 三(二)2 deregisters abolished offices; their books must end.\n"
        "Fix: bring the account to zero and `close` it.",
    ),
    Rule(
        "LD-211",
        "proceeds-as-income",
        "2015 二(二)2; 条例 arts. 25–26",
        "a disposal books anything to an Income account",
        "What: a transaction with `disposal:` posts to an `Income:` account.\n"
        "Why: disposal proceeds belong to the treasury, not the office "
        "(行政事业性国有资产管理条例 arts. 25–26): they are owed as 应缴财政款.\n"
        "Fix: book the proceeds against `Liabilities:Office:<OFFICE>:DueToTreasury` and "
        "the carrying amount to `Expenses:Office:<OFFICE>:Disposal`.",
    ),
    Rule(
        "LD-212",
        "proceeds-held",
        "2010(十一)",
        "disposal proceeds not remitted to the office's own treasury "
        "within remit-within days",
        "What: proceeds of an auction or sale were not remitted to the dispatching "
        "government's treasury within remit-within days; remittances pay the oldest "
        "proceeds first.\n"
        "Why: 2010(十一) brings the offices' asset income under the dispatcher's "
        "finance; holding it is keeping state money off the books of the treasury.\n"
        "Fix: remit the proceeds (pay down DueToTreasury, or move Cash to "
        "`Assets:Treasury:<GOV>`); a late remittance stays a violation.",
    ),
    Rule(
        "LD-213",
        "appraisal-stale",
        "2015 二(二)2",
        "an auction or sale whose appraisal-date is more than "
        "appraisal-valid days before it",
        "What: the `appraisal-date:` of an auction or sale lies more than the program's "
        "appraisal-valid days before the transaction.\n"
        "Why: an appraisal is valid for a year; selling on a stale one risks losing state "
        "assets (2015 二(二)2).\n"
        "Fix: appraise again and record the new `appraisal:` and `appraisal-date:`.",
    ),
    Rule(
        "LI-301",
        "undeclared-office",
        "—",
        "an account, decision, audit or window names an office or government not declared",
        "What: an entry names an office, government or program code that no `custom "
        '"office"`, `custom "government"` or `custom "program"` declares.\n'
        "Why: every rule judges an office by its declaration; an undeclared one escapes "
        "them all.\n"
        "Fix: declare it, or correct the code.",
    ),
    Rule(
        "LI-302",
        "bad-metadata",
        "—",
        "a value the rules read is of the wrong type or vocabulary",
        "What: a value the rules read cannot be read: an unknown disposal method, an "
        "appraisal that is not an amount, a date that is not a date, an unknown key in the "
        "plugin's config, …\n"
        "Why: the rules that need the value judge as if it were absent, which is seldom "
        "what you meant.\n"
        "Fix: write the value as SPEC section 2 shows it.",
    ),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _CATALOGUE}

ZH: dict[str, str] = {
    "LO-101": "应撤销机构未撤销",
    "LO-102": "保留未经批准",
    "LO-103": "应整合未整合",
    "LO-104": "违规新设机构",
    "LO-105": "向撤销机构拨款",
    "LO-106": "未与经营实体脱钩",
    "LO-107": "工作窗口超编",
    "LO-108": "未按年度审计",
    "LO-109": "违规购建经营接待场所",
    "LO-110": "超标准接待",
    "LO-111": "未核实登记",
    "LD-201": "处置方式不合规",
    "LD-202": "低于评估价处置",
    "LD-203": "划转不规范",
    "LD-204": "处置未经批准",
    "LD-205": "资产逾期未处置",
    "LD-206": "资金未上缴国库",
    "LD-207": "挪用资金",
    "LD-208": "债权债务未清理",
    "LD-209": "撤销后购置资产",
    "LD-210": "账户未关闭",
    "LD-211": "处置收入计入收入",
    "LD-212": "处置收入滞留",
    "LD-213": "评估已过有效期",
    "LI-301": "机构或政府未声明",
    "LI-302": "元数据无法读取",
}
"""Each rule's Chinese name; messages read ``[LD-202 below-appraisal] 低于评估价处置：…``"""


def violation(
    code: str,
    entry: Any,
    message: str,
    *,
    office: str | None = None,
    account: str | None = None,
    meta: data.Meta | None = None,
) -> PolicyViolation:
    """Make the error for a violation of rule ``code`` at ``entry``.

    Args:
        code: A code of the catalogue.
        entry: The offending directive (None only for config errors).
        message: What is wrong, naming the office, and what to do.
        office: The office code, where there is one.
        account: The account, where there is one.
        meta: The source to point at, if not the entry's own (a posting's).
    Returns:
        The error, its message beginning ``[CODE name]``.
    """
    rule = RULES[code]
    source = meta if meta is not None else getattr(entry, "meta", None)
    if not source or "filename" not in source:
        source = data.new_metadata("<liaison>", 0)
    return PolicyViolation(
        source, f"[{code} {rule.name}] {rule.zh}：{message}", entry, code, office, account
    )


def shown(value: Any) -> str:
    """A ledger value as a message shows it: text in quotes, numbers, dates and amounts
    as written in the ledger (``-3``, ``2015-08-31``, ``150 USD``), anything else as
    Python writes it."""
    if isinstance(value, bool) or not isinstance(
        value, Decimal | int | datetime.date | Amount
    ):
        return repr(value)
    return str(value)


def check(
    entries: data.Directives, options_map: dict[str, Any], config: str | None = None
) -> tuple[data.Directives, list[Any]]:
    """The umbrella plugin: run every rule of the catalogue on the ledger.

    Returns the entries untouched and the violations. Never raises: an unexpected
    failure of the rule engine itself becomes one LI-302 error that says so.
    """
    from plugins import engine  # here, not at the top: engine imports this module

    return entries, engine.run_plugin(entries, options_map, config)
