"""The rule catalogue: every rule once, and the error a violation of one is.

``RULES`` maps each code (``LD-202``) to its ``Rule``: name, the policy clauses it
implements, a one-line title, and what it means, why and how to fix it, in English and
in Chinese (``liaison explain CODE`` prints them). ``violation(code, entry, message)``
makes the ``PolicyViolation`` a rule reports, its message beginning ``[CODE name]`` and
the rule's Chinese name. The rule families find the violations (``plugins/offices.py``:
LO, ``plugins/disposals.py``: LD; the reader raises LI-301 and LI-302 as it reads), and
``plugins.rules`` is the plugin a ledger names.

This module imports nothing else of the project, so every other module may import it.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any
from typing import NamedTuple

from beancount.core import data
from beancount.core.amount import Amount


@dataclasses.dataclass(frozen=True)
class Rule:
    """One rule of the catalogue.

    Attributes:
        code: The stable code, e.g. ``LD-202``.
        name: The short name, e.g. ``below-appraisal``.
        clause: The policy clauses it implements, e.g. ``2010(十八); 2015 二(二)2``.
        title: One line: what is a violation.
        explanation: What it means, why the policy demands it, and how to fix it: three
            lines, ``What:``, ``Why:`` and ``Fix:``.
        explanation_zh: The same in Chinese, for the accountants: three lines,
            ``含义：``, ``依据：`` and ``改正：``; metadata keys, settings, account names
            and ledger snippets as in the English.
    """

    code: str
    name: str
    clause: str
    title: str
    explanation: str
    explanation_zh: str

    @property
    def family(self) -> str:
        return self.code[:2]

    @property
    def zh(self) -> str:
        """The rule's name in Chinese, for the accountants who read the errors."""
        return ZH[self.code]


class PolicyViolation(NamedTuple):
    """A violation of a liaison-office rule, at the entry that causes it.

    ``internal`` marks the LI-302 a rule (or the engine) that failed becomes: not a
    finding about the books but a fault of the rules, which the tests never accept.
    """

    source: data.Meta
    message: str
    entry: Any
    code: str
    office: str | None = None
    account: str | None = None
    internal: bool = False


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
        "含义：方案撤销这一级别或类型的全部办事机构（县级政府、政府职能部门、"
        "开发区设立的办事机构），而本机构在方案的 decide-by 日期当日或之前没有 "
        "`abolish`（撤销）或 `merge`（合并）决定，或其最近一次决定是 `retain`（保留）。\n"
        "依据：国办发〔2010〕8号第(六)(七)条撤销地方各级政府职能部门和县级政府以各种名义"
        "设立的驻京办事机构；咸政办函〔2015〕58号 二(一)1-2 撤销县级政府和市、"
        "县两级政府直属部门驻武汉办事机构。\n"
        '改正：记录决定：`custom "decision" "OFFICE" "abolish"`（或 "merge"，以 `into:` '
        "写明并入的机构），附 `approval:`（批准文号）。决定晚于期限仍属违规："
        "期限已经错过。",
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
        "含义：地市级政府的办事机构（按2015年方案则是所有保留的办事机构，"
        "包括对口援助机构）须经上级政府批准方可保留；本 `retain`（保留）决定没有 "
        "`approval:`，或到 decide-by 日期仍未对该机构作出决定。\n"
        "依据：国办发〔2010〕8号第(五)条规定地市级政府驻京办事机构经所在省(区、"
        "市)人民政府核准后方可保留；咸政办函〔2015〕58号 二(一)3 "
        "保留市政府驻武汉办事机构须报经省人民政府批准，二(二)4 "
        "从事对口援助的办事机构须经审批方可保留。\n"
        '改正：在保留决定上加 `approval: "文号"`（批准文号），或撤销该机构。',
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
        "含义：同一派出政府在同一驻在城市既保留政府办事机构又保留部门办事机构；"
        "或同一派出政府在同一省的多个驻在城市保留办事机构；"
        "或市政府与其所属县政府在同一驻在城市各自保留办事机构。\n"
        "依据：咸政办函〔2015〕58号 二(二)1-3 要求这些办事机构实行整合，只保留一个："
        "政府的办事机构，或市政府派驻机构。\n"
        "改正：作出 `merge`（合并）决定，以 `into:` 写明保留的机构，"
        "并将被合并机构的资产以划转方式转入该机构。",
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
        "含义：本机构在方案的 ban-from 日期之前并不存在：其声明、第一个账户和核实登记的 "
        "`established` 日期都在该日期当日或之后。\n"
        "依据：国办发〔2010〕8号第(十九)条和咸政办函〔2015〕58号 四(二) "
        "规定不得以任何名义和形式在北京、省会城市设立新的办事机构。\n"
        "改正：如该机构此前已存在，按实际日期记录其声明或核实登记的 `established:`；"
        "否则该机构不应存在：予以撤销。",
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
        "含义：一笔交易把资金从 `Assets:Treasury:<GOV>` 转入某个办事机构的账户，"
        "而该机构在交易日当日或之前已撤销，或未经声明。\n"
        "依据：国办发〔2010〕8号第(十九)条规定财政部门不得为违规设立的驻京办事机构核拨经"
        "费。\n"
        "改正：冲回该笔拨款；已撤销机构的支出以其自有资金支付，或由派出政府直接支付。",
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
        "含义：本机构的 `Enterprises` 账户（宾馆、招待所等经营性实体）在方案的 delink-by "
        "日期结束时仍有余额。\n"
        "依据：咸政办函〔2015〕58号 二(四)2、三(三) 要求办事机构与所属宾馆、"
        "招待所等经营性实体实行脱钩。\n"
        "改正：将该项资产划转给国有单位或予以出售，记录 `disposal:` 和 `approval:`；"
        "脱钩晚于期限仍属违规。",
    ),
    Rule(
        "LO-107",
        "window-overstaffed",
        "2015 三(二)2",
        "a county window with more than 3 staff",
        "What: a county's work window at the city office has `staff:` above 3.\n"
        "Why: the 2015 plan 三(二)2 allows an abolished county's window at most 3 people.\n"
        "Fix: reduce the window's staff to 3 or fewer and record it.",
        "含义：县级政府在市政府办事机构设立的工作窗口，`staff:`（人数）超过3人。\n"
        "依据：咸政办函〔2015〕58号 三(二)2 规定已撤销驻汉办事机构的县(市、"
        "区)政府设立的工作窗口，人数不得超过3人。\n"
        "改正：将工作窗口人数减至3人或以下，并在账本中记录。",
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
        "含义：本机构予以保留，但某个年度已在判定日（as-of）之前超过 audit-grace 天结束，"
        '却没有 `custom "audit"` 覆盖该年度。'
        "年度自保留决定所在年份起算（未作决定而保留的机构，自方案所在年份起算）。\n"
        "依据：国办发〔2010〕8号第(十一)条要求派出政府每年对驻京办事机构进行审计。\n"
        '改正：记录该年度的审计：`custom "audit" "OFFICE" "2015"`，附 `report:`。',
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
        "含义：在方案的 ban-from 日期当日或之后，一笔交易将 `use:` 为 "
        '"operating"（经营）或 "reception"（接待）的房地产记入办事机构的 Land 或 '
        "Buildings 账户。以 Equity 为对方科目登记原有资产不算购置。\n"
        "依据：国办发〔2010〕8号第(十一)条规定不得新建和购置具有经营、"
        "接待服务性质的场所。\n"
        '改正：取消该项购置；如用途是办公，写明 `use: "office"`。',
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
        "含义：一笔交易记入 `Expenses:Office:<OFFICE>:Reception`（公务接待）的金额超过方"
        "案的 reception-per-person（人均接待标准）乘以其 `guests:`（接待人数），"
        "或没有写明 `guests:`。\n"
        "依据：国办发〔2010〕8号第(十六)条和咸政办函〔2015〕58号 二(四)2 "
        "规定不得超标准接待，并要求公务接待信息公开，而公开需要写明接待人数。\n"
        "改正：加上 `guests: N`；超标准的支出须退回，或在本方案之外另行审批。",
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
        "含义：本机构在方案的 register-by 日期当日或之前没有 `custom "
        '"registration"`（核实登记）。\n'
        "依据：咸政办函〔2015〕58号 三(二)1 要求在撤销、合并任何机构之前，"
        "对每个办事机构逐一核实登记（附表一）。\n"
        '改正：记录 `custom "registration" "OFFICE"`，写明 `staff:` 和 `established:`；'
        "登记晚于期限仍属违规。",
    ),
    Rule(
        "LD-201",
        "disposal-method",
        "2010(十八); 2015 二(二)2",
        "an abolished office's physical asset leaves its account with no permitted method",
        "What: on or after the office's abolition, a transaction takes Land, Buildings, "
        "Vehicles, Equipment or Enterprises out of its account without `disposal:` "
        '"transfer", "auction" or "sale" (划转, 拍卖, 有偿转让).\n'
        "Why: 2010(十八) and 2015 二(二)2 (worded in 三(二)2, the 精简整合 step) allow "
        "only transfer, auction and paid sale, so that no state asset is lost.\n"
        "Fix: give the transaction its `disposal:` method and `approval:`.",
        "含义：在办事机构撤销当日或之后，一笔交易将土地、房屋、车辆、设备或企业（Land、"
        "Buildings、Vehicles、Equipment、Enterprises）转出其账户，却没有 `disposal:` "
        '"transfer"、"auction" 或 "sale"（划转、拍卖、有偿转让）。\n'
        "依据：国办发〔2010〕8号第(十八)条和咸政办函〔2015〕58号 二(二)2"
        "（原文见 三(二)2 精简整合环节）只允许以划转、拍卖、有偿转让方式处置，"
        "防止国有资产流失。\n"
        "改正：为该交易写明 `disposal:` 处置方式和 `approval:`（批准文号）。",
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
        "2015 二(二)2 (worded in 三(二)2, the 精简整合 step) forbid.\n"
        "Fix: record the `appraisal:`; a price below it needs `price-approval:` (the "
        "approval to sell below the appraised value).",
        "含义：拍卖或有偿转让记入 Cash 和 Receivables 账户的成交金额，低于其 "
        "`appraisal:`（评估价值）减去方案的 loss-tolerance，且没有 `price-approval:`；"
        "或根本没有评估价值。\n"
        "依据：低于评估价值出售造成国有资产流失，为国办发〔2010〕8号第(十八)条和咸政办函"
        "〔2015〕58号 二(二)2（原文见 三(二)2 精简整合环节）所禁止。\n"
        "改正：记录 `appraisal:`；成交价低于评估价值须有 "
        "`price-approval:`（低于评估价值出售的批准）。",
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
        "sale or a loss of state assets (2015 二(二)2, worded in 三(二)2).\n"
        "Fix: book the full carrying amount to the receiving unit's account and add "
        "`recipient:`.",
        '含义：`disposal: "transfer"`（划转）把资产转入的账户不属于国有单位'
        "（`Assets:State:*`、`Equity:Transfers:*`、未撤销机构的 `Assets:Office:*`），"
        "或没有写明 `recipient:`（接收单位），或转出金额少于全部账面价值。\n"
        "依据：无偿划转只限于国有单位之间；划给其他单位即是出售或国有资产流失"
        "（咸政办函〔2015〕58号 二(二)2，原文见 三(二)2 精简整合环节）。\n"
        "改正：将全部账面价值记入接收单位的账户，并加上 `recipient:`。",
    ),
    Rule(
        "LD-204",
        "disposal-unapproved",
        "2015 二(二)2",
        "a disposal with no approval",
        "What: a transaction with `disposal:` has no `approval:` (批准文号).\n"
        "Why: state assets are disposed of only with the approval the regulations "
        "require (2015 二(二)2, worded in 三(二)2: 按规定程序做好相关的报批工作).\n"
        'Fix: add `approval: "文号"`.',
        "含义：带有 `disposal:` 的交易没有 `approval:`（批准文号）。\n"
        "依据：国有资产只能经规定的批准后处置（咸政办函〔2015〕58号 二(二)2，"
        "原文见 三(二)2：按规定程序做好相关的报批工作）。\n"
        '改正：加上 `approval: "文号"`。',
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
        "含义：已撤销或合并的办事机构的 Land、Buildings、Vehicles、Equipment 或 "
        "Enterprises 账户，在 dispose-by 日期结束时仍有余额。\n"
        "依据：国办发〔2010〕8号第(十八)条要求6个月内、咸政办函〔2015〕58号 三(二)2 "
        "要求8月31日前处置完毕全部资产。\n"
        "改正：处置该项资产（划转、拍卖或有偿转让）；处置晚于期限仍属违规。",
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
        "含义：已撤销机构的 Cash 或 DueToTreasury（应缴财政款）在 dispose-by "
        "日期结束时仍有余额，或该机构的资金转入了派出政府以外其他政府的 "
        "`Assets:Treasury:<GOV>`。\n"
        "依据：国办发〔2010〕8号第(十一)条将办事机构的国有资产收益纳入派出地财政管理；"
        "咸政办函〔2015〕58号 三(二)2 要求准确核对资金。\n"
        "改正：将资金上缴派出政府的国库（冲减 DueToTreasury）。",
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
        "含义：撤销之后，办事机构的 Cash 流向了以下去处以外的地方：本机构派出政府的国库、"
        "本机构的 Payables 或 DueToTreasury、允许的处置，或附 `approval:` 的支出。\n"
        "依据：咸政办函〔2015〕58号 四(二) 对借撤销整合之机挪用、私分、"
        "侵吞国有资产的行为要严肃处理。\n"
        "改正：追回资金；确属应付的支出须有 `approval:`。",
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
        "含义：已撤销机构的 Receivables 或 Payables 账户在 dispose-by "
        "日期结束时仍有余额，或一笔应收款未经 `approval:` 即被核销（记入 Expenses 或 "
        "Equity）。\n"
        "依据：咸政办函〔2015〕58号 三(二)2 要求准确核对往来款项和债权债务，并予清理。\n"
        "改正：收回应收款或偿付应付款；核销须有 `approval:`。",
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
        "含义：办事机构撤销当日或之后，其 Land、Buildings、Vehicles、Equipment 或 "
        "Enterprises 账户有所增加，而它并不是合并中保留的机构。\n"
        "依据：已撤销的机构不得再以办事机构名义活动（国办发〔2010〕8号第(十九)条），"
        "只能办理清理收尾。\n"
        "改正：冲回该项购置。",
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
        "含义：已撤销机构的某个 Assets 或 Liabilities 账户，在 dispose-by 日期加 "
        "close-grace 天之日或之前没有 `close`。\n"
        "依据：咸政办函〔2015〕58号 三(二)2 要求及时注销撤销的机构，其账目必须终结。\n"
        "改正：将该账户余额清零，并 `close` 该账户。",
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
        "含义：带有 `disposal:` 的交易记入了 `Income:` 账户。\n"
        "依据：处置收入属于国库，不属于办事机构（咸政办函〔2015〕58号 二(二)2；"
        "《行政事业性国有资产管理条例》第二十五条、第二十六条），应作为应缴财政款。\n"
        "改正：将处置收入记入 `Liabilities:Office:<OFFICE>:DueToTreasury`（应缴财政款），"
        "账面价值记入 `Expenses:Office:<OFFICE>:Disposal`（资产处置费用）。",
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
        "含义：拍卖或有偿转让的处置收入没有在 remit-within 天内上缴派出政府的国库；"
        "上缴的款项先冲抵最早的处置收入。\n"
        "依据：国办发〔2010〕8号第(十一)条将办事机构的国有资产收益纳入派出地财政管理；"
        "滞留处置收入，就是让国有资金留在国库账外。\n"
        "改正：上缴处置收入（冲减 DueToTreasury，或将 Cash 转入 "
        "`Assets:Treasury:<GOV>`）；上缴晚于期限仍属违规。",
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
        "assets (2015 二(二)2, worded in 三(二)2).\n"
        "Fix: appraise again and record the new `appraisal:` and `appraisal-date:`.",
        "含义：拍卖或有偿转让的 `appraisal-date:`（评估基准日）早于交易日超过方案的 "
        "appraisal-valid 天。\n"
        "依据：评估结果有效期为一年；依据过期的评估出售，可能造成国有资产流失"
        "（咸政办函〔2015〕58号 二(二)2，原文见 三(二)2 精简整合环节）。\n"
        "改正：重新评估，记录新的 `appraisal:` 和 `appraisal-date:`。",
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
        '含义：某个条目引用的办事机构、政府或方案代码，没有任何 `custom "office"`、'
        '`custom "government"` 或 `custom "program"` 声明它。\n'
        "依据：每条规则都依据机构的声明来判定；未声明的机构会逃过所有规则。\n"
        "改正：补充声明，或更正代码。",
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
        "含义：规则读取的某个值无法读取：未知的处置方式、不是金额的评估价值、"
        "不是日期的日期、plugin 配置中的未知键，等等。\n"
        "依据：需要这个值的规则会当作没有这个值来判定，这往往不是你的本意。\n"
        "改正：按 SPEC 第2节所示的格式写这个值。",
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
    internal: bool = False,
) -> PolicyViolation:
    """Make the error for a violation of rule ``code`` at ``entry``.

    Args:
        code: A code of the catalogue.
        entry: The offending directive (None only for config errors).
        message: What is wrong, naming the office, and what to do.
        office: The office code, where there is one.
        account: The account, where there is one.
        meta: The source to point at, if not the entry's own (a posting's).
        internal: The rules failed (an LI-302 that says so), not the books.
    Returns:
        The error, its message beginning ``[CODE name]``.
    """
    rule = RULES[code]
    source = meta if meta is not None else getattr(entry, "meta", None)
    if not source or "filename" not in source:
        source = data.new_metadata("<liaison>", 0)
    if isinstance(entry, data.Custom) and entry.values is None:
        # a custom directive written with no values: Beancount's printer, which
        # bean-check runs on every error's entry, iterates them and would crash
        entry = entry._replace(values=[])
    message = f"[{code} {rule.name}] {rule.zh}：{message}"
    return PolicyViolation(source, message, entry, code, office, account, internal)


def shown(value: Any) -> str:
    """A ledger value as a message shows it: text in quotes, numbers, dates and amounts
    as written in the ledger (``-3``, ``2015-08-31``, ``150 USD``), anything else as
    Python writes it."""
    if isinstance(value, bool) or not isinstance(
        value, Decimal | int | datetime.date | Amount
    ):
        return repr(value)
    return str(value)
