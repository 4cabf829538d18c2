"""Write a province-sized, compliant liaison-office ledger for benchmarks and tests.

    python benchmarks/generate_ledger.py --offices 300 --out /tmp/province.beancount

The ledger follows SPEC section 2 and the 2015 capital-office program (preset
``capital-2015``): every prefecture of one province keeps its government's office in the
capital (retained with approval, audited, with county work windows of at most 3 and a
2016 vehicle auction remitted in time); its department, development-zone and county
offices are registered, decided by 2015-07-31 (one department office merged into the
city's office), and wound down in August 2015 through transfers, auctions and sales in
both booking forms of SPEC 2.3 (政府会计制度 with DueToTreasury, and the short form that
pays Cash into ``Assets:Treasury:<GOV>``), proceeds remitted within 30 days, claims
settled and accounts closed. Before that, every office runs monthly: appropriation,
payroll, running costs and receptions within 150 CNY a guest.

Everything is drawn from ``random.Random(seed)``: the same options give the same bytes.
About 150 transactions an abolished office and 300 a retained one: 300 offices give
about 45,000 transactions. Judged at ``as-of`` 2017-12-31 (plugin config), the ledger has
no violation; ``tests/test_generate_ledger.py`` keeps it so.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import random
import sys
from collections.abc import Iterator
from pathlib import Path

AS_OF = "2017-12-31"
START = datetime.date(2013, 1, 1)
PLUGIN_LINE = f"plugin \"plugins.rules\" \"{{'as-of': '{AS_OF}'}}\""

PREFECTURES = (
    "黄石市",
    "十堰市",
    "宜昌市",
    "襄阳市",
    "鄂州市",
    "荆门市",
    "孝感市",
    "荆州市",
    "黄冈市",
    "咸宁市",
    "随州市",
    "恩施州",
)
PLATE_LETTERS = "BCDEFGHJKLNPQRS"
DEPARTMENTS = ("招商局", "旅游委", "农业局")
VEHICLES = (
    ("别克GL8商务车", 280000),
    ("大众帕萨特轿车", 236000),
    ("丰田凯美瑞轿车", 252000),
    ("现代索纳塔轿车", 186000),
    ("本田CR-V越野车", 218000),
    ("江淮瑞风商务车", 188000),
    ("丰田考斯特中型客车", 486000),
)
STREETS = ("中南路", "解放大道", "徐东大街", "珞狮路", "雄楚大道", "新华路", "首义路")
# One slot per office of a prefecture, in the order they are filled.
SLOTS = ("government", "merged", "county", "department", "devzone", "department") + (
    "county",
) * 6


def yuan(cents: int) -> str:
    """Cents as a CNY number with two decimals (``-1234.50``)."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{whole}.{frac:02d}"


@dataclasses.dataclass
class Asset:
    account: str
    asset_id: str
    name: str
    acquired: datetime.date
    original: int
    carrying: int
    use: str | None = None


@dataclasses.dataclass
class Office:
    code: str
    name: str
    government: str
    kind: str
    role: str  # government (retained) | merged | department | devzone | county
    survivor: str | None = None
    assets: list[Asset] = dataclasses.field(default_factory=list)
    cash: int = 0
    advance: int = 0
    payable: int = 0
    form_a: bool = True

    @property
    def retained(self) -> bool:
        return self.role == "government"


class Writer:
    """Collects the ledger's text; one list of lines, joined once."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def txn(
        self,
        date: datetime.date,
        payee: str,
        narration: str,
        postings: list[tuple[str, int | None]],
        meta: dict[str, str] | None = None,
    ) -> None:
        self.lines.append(f'{date} * "{payee}" "{narration}"')
        for key, value in (meta or {}).items():
            self.lines.append(f"  {key}: {value}")
        for account, cents in postings:
            if cents is None:
                self.lines.append(f"  {account}")
            else:
                self.lines.append(f"  {account}  {yuan(cents)} CNY")

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def q(text: str) -> str:
    return f'"{text}"'


def months(first: datetime.date, last: datetime.date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def plan_offices(count: int, rng: random.Random) -> tuple[list[Office], dict[str, str]]:
    """The offices, filled prefecture by prefecture; and every government's name."""
    offices: list[Office] = []
    governments: dict[str, str] = {}
    prefecture = 0
    while len(offices) < count:
        index = prefecture
        prefecture += 1
        pcode = f"P{index + 1:02d}"
        pname = PREFECTURES[index] if index < len(PREFECTURES) else f"示例{index + 1:02d}市"
        governments[pcode] = f"{pname}人民政府"
        gov_office = f"{pcode}-WH"
        county = department = 0
        for slot in SLOTS:
            if len(offices) >= count:
                break
            if slot == "government":
                office = Office(
                    gov_office, f"{pname}人民政府驻武汉办事处", pcode, "government", slot
                )
            elif slot in ("merged", "department"):
                dname = DEPARTMENTS[department % len(DEPARTMENTS)]
                department += 1
                office = Office(
                    f"{pcode}-D{department}-WH",
                    f"{pname}{dname}驻武汉联络处",
                    pcode,
                    "department",
                    slot,
                    survivor=gov_office if slot == "merged" else None,
                )
            elif slot == "devzone":
                office = Office(
                    f"{pcode}-GX-WH",
                    f"{pname}高新区管委会驻武汉办事处",
                    pcode,
                    "devzone",
                    slot,
                )
            else:
                county += 1
                ccode = f"{pcode}-C{county:02d}"
                governments[ccode] = f"{pname}第{county}县人民政府"
                office = Office(
                    f"{ccode}-WH",
                    f"{pname}第{county}县人民政府驻武汉办事处",
                    ccode,
                    "government",
                    slot,
                )
            office.form_a = len(offices) % 2 == 0
            offices.append(office)
    for index, office in enumerate(offices):
        make_assets(office, rng, index)
    return offices, governments


def make_assets(office: Office, rng: random.Random, index: int) -> None:
    base = f"Assets:Office:{office.code}"
    tag = office.code.replace("-WH", "")
    plate = f"鄂{PLATE_LETTERS[index % len(PLATE_LETTERS)]}"
    street = STREETS[index % len(STREETS)]
    big = office.role in ("government", "county")
    if big and rng.random() < 0.35:
        original = rng.randrange(800_000, 2_000_000) * 100
        office.assets.append(
            Asset(
                f"{base}:Land:L0001",
                f"{tag}-L-0001",
                f"国有土地使用权 武汉市{street}{rng.randrange(1, 400)}号",
                datetime.date(rng.randrange(1992, 2006), rng.randrange(1, 13), 1),
                original,
                original,
                "office",
            )
        )
    if big and rng.random() < 0.75:
        original = rng.randrange(1_000_000, 5_000_000) * 100
        office.assets.append(
            Asset(
                f"{base}:Buildings:B0001",
                f"{tag}-B-0001",
                f"办公用房 武汉市{street}{rng.randrange(1, 400)}号",
                datetime.date(rng.randrange(1993, 2010), rng.randrange(1, 13), 1),
                original,
                original * rng.randrange(45, 85) // 100,
                "office",
            )
        )
    # Departments' offices hold no enterprise: a merged one would hand it to the
    # surviving office after the delinking deadline.
    if big and rng.random() < (0.5 if office.retained else 0.12):
        original = rng.randrange(500_000, 1_500_000) * 100
        office.assets.append(
            Asset(
                f"{base}:Enterprises:Q0001",
                f"{tag}-Q-0001",
                f"{office.name}招待所",
                datetime.date(rng.randrange(1994, 2005), rng.randrange(1, 13), 1),
                original,
                original,
                "operating",
            )
        )
    for number in range(1, rng.randrange(2, 5)):
        model, price = rng.choice(VEHICLES)
        original = price * 100
        office.assets.append(
            Asset(
                f"{base}:Vehicles:V{number:04d}",
                f"{tag}-V-{number:04d}",
                f"{model} {plate} {rng.randrange(10000, 99999):05d}",
                datetime.date(rng.randrange(2008, 2014), rng.randrange(1, 13), 1),
                original,
                original * rng.randrange(25, 70) // 100,
            )
        )
    for number in range(1, rng.randrange(2, 4)):
        original = rng.randrange(30_000, 320_000) * 100
        office.assets.append(
            Asset(
                f"{base}:Equipment:E{number:04d}",
                f"{tag}-E-{number:04d}",
                "办公设备及家具一批",
                datetime.date(rng.randrange(2007, 2014), rng.randrange(1, 13), 1),
                original,
                original * rng.randrange(15, 50) // 100,
            )
        )


def open_asset(w: Writer, date: datetime.date, asset: Asset) -> None:
    w.add(
        f"{date} open {asset.account} CNY",
        f"  asset-id: {q(asset.asset_id)}",
        f"  name: {q(asset.name)}",
        f"  acquired: {asset.acquired}",
        f"  original-cost: {yuan(asset.original)} CNY",
    )
    if asset.use:
        w.add(f"  use: {q(asset.use)}")


def declare(w: Writer, office: Office, rng: random.Random) -> list[str]:
    """Declaration, registration, decision, accounts and opening balances."""
    code = office.code
    w.add(
        "",
        f"; ===== {office.name} ({code}) =====",
        f'{START} custom "office" "{code}" "{office.name}"',
        f"  government: {q(office.government)}",
        f"  kind: {q(office.kind)}",
        '  host: "武汉"',
        '  host-province: "湖北"',
        '  program: "HB-2015"',
        f'2015-07-{rng.randrange(21, 31)} custom "registration" "{code}"',
        f"  staff: {rng.randrange(3, 20) if office.retained else rng.randrange(2, 8)}",
        f"  established: {rng.randrange(1985, 2012)}-{rng.randrange(1, 13):02d}-01",
    )
    if office.retained:
        w.add(
            f'2015-07-29 custom "decision" "{code}" "retain"',
            f'  approval: "鄂政办函〔2015〕{rng.randrange(60, 90)}号"',
        )
    elif office.survivor:
        w.add(
            f'2015-07-30 custom "decision" "{code}" "merge"',
            f'  approval: "编办发〔2015〕{rng.randrange(10, 40)}号"',
            f"  into: {q(office.survivor)}",
        )
    else:
        w.add(
            f'2015-07-30 custom "decision" "{code}" "abolish"',
            f'  approval: "政办发〔2015〕{rng.randrange(10, 40)}号"',
        )
    money = [
        f"Assets:Office:{code}:Cash",
        f"Assets:Office:{code}:Receivables:Advance",
        f"Liabilities:Office:{code}:Payables:Property",
        f"Liabilities:Office:{code}:DueToTreasury",
    ]
    for asset in office.assets:
        open_asset(w, START, asset)
    for account in money:
        w.add(f"{START} open {account} CNY")
    for leaf in ("Appropriation",):
        w.add(f"{START} open Income:Office:{code}:{leaf} CNY")
    for leaf in ("Personnel", "Operations", "Reception", "Disposal"):
        w.add(f"{START} open Expenses:Office:{code}:{leaf} CNY")
    w.add(f"{START} open Equity:Office:{code}:NetAssets CNY")
    for asset in office.assets:
        w.txn(
            START,
            "期初余额",
            asset.name,
            [(asset.account, asset.carrying), (f"Equity:Office:{code}:NetAssets", None)],
        )
    office.cash = rng.randrange(50_000, 300_000) * 100 + rng.randrange(100)
    advance = rng.randrange(1_000, 20_000) * 100
    payable = rng.randrange(1_000, 15_000) * 100
    w.txn(
        START,
        "期初余额",
        "银行存款、备用金及应付物业费",
        [
            (money[0], office.cash),
            (money[1], advance),
            (money[2], -payable),
            (f"Equity:Office:{code}:NetAssets", None),
        ],
    )
    office.advance, office.payable = advance, payable
    return money


def run_months(w: Writer, office: Office, last: datetime.date, rng: random.Random) -> None:
    """Monthly appropriation, payroll, running costs and receptions up to ``last``."""
    code = office.code
    cash = f"Assets:Office:{code}:Cash"
    payroll = rng.randrange(20_000, 120_000) * 100
    running = rng.randrange(5_000, 30_000) * 100
    for year, month in months(START, last):
        receptions = []
        for _ in range(rng.randrange(1, 3)):
            guests = rng.randrange(2, 16)
            amount = 150 * guests * rng.randrange(55, 101)  # cents, at most 150 a guest
            receptions.append((rng.randrange(8, 23), guests, amount))
        costs = payroll + running + sum(r[2] for r in receptions)
        grant = costs + rng.randrange(0, 3_000) * 100
        w.txn(
            datetime.date(year, month, 5),
            "财政局",
            f"{month}月财政拨款",
            [(cash, grant), (f"Income:Office:{code}:Appropriation", None)],
        )
        for day, guests, amount in sorted(receptions):
            w.txn(
                datetime.date(year, month, day),
                "武汉东湖宾馆",
                "公务接待(工作餐)",
                [(f"Expenses:Office:{code}:Reception", amount), (cash, None)],
                {"guests": str(guests)},
            )
        w.txn(
            datetime.date(year, month, 25),
            office.name,
            f"{month}月工资福利",
            [(f"Expenses:Office:{code}:Personnel", payroll), (cash, None)],
        )
        w.txn(
            datetime.date(year, month, 28),
            office.name,
            f"{month}月办公、水电、物业费",
            [(f"Expenses:Office:{code}:Operations", running), (cash, None)],
        )
        office.cash += grant - costs


def sell(
    w: Writer,
    office: Office,
    asset: Asset,
    date: datetime.date,
    method: str,
    rng: random.Random,
    form_a: bool,
) -> int:
    """An auction or sale at or above its appraisal; returns the proceeds (cents)."""
    code = office.code
    appraisal = asset.carrying * rng.randrange(90, 131) // 100 // 100 * 100
    proceeds = appraisal * rng.randrange(100, 109) // 100 // 100 * 100
    meta = {
        "disposal": q(method),
        "approval": q(f"财资〔{date.year}〕{rng.randrange(1, 80)}号"),
        "appraisal": f"{yuan(appraisal)} CNY",
        "appraisal-date": str(date - datetime.timedelta(days=rng.randrange(5, 40))),
    }
    cash = f"Assets:Office:{code}:Cash"
    expense = f"Expenses:Office:{code}:Disposal"
    if form_a:
        postings = [
            (asset.account, -asset.carrying),
            (expense, asset.carrying),
            (cash, proceeds),
            (f"Liabilities:Office:{code}:DueToTreasury", -proceeds),
        ]
    else:
        postings = [
            (asset.account, -asset.carrying),
            (cash, proceeds),
            (expense, asset.carrying - proceeds),
        ]
    word = "拍卖" if method == "auction" else "有偿转让"
    payee = "公共资源交易中心" if method == "auction" else "产权交易所"
    w.txn(date, payee, f"{word} {asset.name}", postings, meta)
    office.cash += proceeds
    return proceeds


def remit(
    w: Writer, office: Office, date: datetime.date, amount: int, form_a: bool
) -> None:
    code = office.code
    cash = f"Assets:Office:{code}:Cash"
    if form_a:
        w.txn(
            date,
            "上缴国库",
            "处置收入上缴财政",
            [(f"Liabilities:Office:{code}:DueToTreasury", amount), (cash, None)],
        )
    else:
        w.txn(
            date,
            "上缴国库",
            "处置收入上缴财政",
            [(f"Assets:Treasury:{office.government}", amount), (cash, None)],
        )
    office.cash -= amount


def wind_down(
    w: Writer, office: Office, offices: dict[str, Office], rng: random.Random
) -> None:
    """August 2015: claims, disposals, remittance, closing (SPEC 2.3, both forms)."""
    code = office.code
    cash = f"Assets:Office:{code}:Cash"
    advance, payable = office.advance, office.payable
    w.txn(
        datetime.date(2015, 8, 3),
        office.name,
        "收回职工备用金",
        [(cash, advance), (f"Assets:Office:{code}:Receivables:Advance", None)],
    )
    w.txn(
        datetime.date(2015, 8, 4),
        "物业公司",
        "结清物业费",
        [(f"Liabilities:Office:{code}:Payables:Property", payable), (cash, None)],
    )
    office.cash += advance - payable
    proceeds = 0
    survivor = offices.get(office.survivor or "")
    for number, asset in enumerate(office.assets):
        date = datetime.date(2015, 8, 5 + number % 15)
        method = ("transfer", "auction", "sale")[(number + len(code)) % 3]
        if survivor is not None or method == "transfer":
            if survivor is not None:
                target = asset.account.replace(f":{code}:", f":{survivor.code}:", 1)
                target = target[: target.rfind(":") + 1] + f"M{number:03d}"
                moved = dataclasses.replace(
                    asset,
                    account=target,
                    asset_id=f"{survivor.code}-M-{asset.asset_id}",
                    carrying=asset.carrying,
                )
                open_asset(w, date, moved)
                recipient = survivor.name
            else:
                target = f"Equity:Transfers:{office.government}-JGSW"
                recipient = f"{office.government} 机关事务管理局"
            w.txn(
                date,
                recipient,
                f"无偿划转 {asset.name}",
                [(asset.account, -asset.carrying), (target, asset.carrying)],
                {
                    "disposal": q("transfer"),
                    "approval": q(f"机管〔2015〕{rng.randrange(1, 80)}号"),
                    "recipient": q(recipient),
                },
            )
        else:
            proceeds += sell(w, office, asset, date, method, rng, office.form_a)
    if proceeds:
        remit(w, office, datetime.date(2015, 8, 25), proceeds, office.form_a)
    if survivor is not None:
        w.txn(
            datetime.date(2015, 8, 27),
            survivor.name,
            "整合: 结余资金划转存续机构",
            [(cash, -office.cash), (f"Assets:Office:{survivor.code}:Cash", office.cash)],
            {
                "disposal": q("transfer"),
                "approval": q(f"机管〔2015〕{rng.randrange(1, 80)}号"),
                "recipient": q(survivor.name),
            },
        )
        survivor.cash += office.cash
    elif office.cash:
        w.txn(
            datetime.date(2015, 8, 27),
            "上缴国库",
            "结余资金上缴财政",
            [(f"Assets:Treasury:{office.government}", office.cash), (cash, None)],
        )
    office.cash = 0
    w.add(f"2015-09-01 balance {cash} 0.00 CNY")
    accounts = [a.account for a in office.assets] + [
        cash,
        f"Assets:Office:{code}:Receivables:Advance",
        f"Liabilities:Office:{code}:Payables:Property",
        f"Liabilities:Office:{code}:DueToTreasury",
    ]
    for account in accounts:
        w.add(f"2015-09-30 close {account}")


def keep(w: Writer, office: Office, counties: list[str], rng: random.Random) -> None:
    """The retained city office: windows, delinking, audits, the 2016 vehicle auction."""
    code = office.code
    for county in counties:
        w.add(
            f'2015-09-01 custom "window" "{code}" "{county}"',
            f"  staff: {rng.randrange(1, 4)}",
        )
    for year in (2015, 2016):
        w.add(
            f'{year + 1}-04-{rng.randrange(10, 29)} custom "audit" "{code}" "{year}"',
            f'  report: "审〔{year + 1}〕{rng.randrange(1, 40)}号"',
        )
    for asset in office.assets:
        if asset.account.split(":")[3] == "Enterprises":
            w.txn(
                datetime.date(2015, 9, 15),
                "国有资产监督管理委员会",
                f"{asset.name}脱钩, 整体划转国资委",
                [
                    (asset.account, -asset.carrying),
                    (f"Equity:Transfers:{office.government}-GZW", asset.carrying),
                ],
                {
                    "disposal": q("transfer"),
                    "approval": q(f"国资发〔2015〕{rng.randrange(1, 60)}号"),
                    "recipient": q("国有资产监督管理委员会"),
                },
            )
            w.add(f"2015-10-01 close {asset.account}")
    vehicles = [a for a in office.assets if ":Vehicles:" in a.account]
    if vehicles:
        asset = vehicles[0]
        date = datetime.date(2016, 8, rng.randrange(10, 25))
        got = sell(w, office, asset, date, "auction", rng, form_a=True)
        remit(w, office, date + datetime.timedelta(days=rng.randrange(3, 25)), got, True)
        w.add(f"{date + datetime.timedelta(days=1)} close {asset.account}")


def generate(count: int, seed: int = 20150720, plugin: bool = True) -> str:
    """The ledger text for ``count`` offices."""
    if count < 1:
        raise ValueError("need at least one office")
    rng = random.Random(seed)
    offices, governments = plan_offices(count, rng)
    by_code = {o.code: o for o in offices}
    w = Writer()
    w.add(
        f"; A generated province: {count} liaison offices in 武汉 (seed {seed}).",
        "; Written by benchmarks/generate_ledger.py; compliant by construction.",
        'option "title" "生成的全省驻省会城市办事机构账本"',
        'option "operating_currency" "CNY"',
    )
    if plugin:
        w.add(PLUGIN_LINE)
    w.add(
        "",
        '2015-07-20 custom "program" "HB-2015" "清理规范驻省会城市办事机构实施方案"',
        '  preset: "capital-2015"',
        '  document: "鄂政办函〔2015〕50号"',
        "  reception-per-person: 150 CNY",
        "",
        '2012-12-31 custom "government" "HB" "湖北省人民政府"',
        '  level: "province"',
        '  province: "湖北"',
    )
    for gcode, gname in governments.items():
        level = "county" if "-C" in gcode else "prefecture"
        parent = gcode.split("-")[0] if level == "county" else "HB"
        w.add(
            f'2012-12-31 custom "government" "{gcode}" "{gname}"',
            f"  level: {q(level)}",
            '  province: "湖北"',
            f"  parent: {q(parent)}",
            f"{START} open Assets:Treasury:{gcode} CNY",
            f"{START} open Equity:Transfers:{gcode}-JGSW CNY",
        )
        if level == "prefecture":
            w.add(f"{START} open Equity:Transfers:{gcode}-GZW CNY")
    # Absorbing merged offices happens inside wind_down, so survivors come first only
    # for their cash; their own text is written in office order.
    for office in offices:
        declare(w, office, rng)
        if office.retained:
            run_months(w, office, datetime.date(2017, 12, 31), rng)
            counties = [
                o.government
                for o in offices
                if o.role == "county" and o.government.startswith(office.government + "-")
            ]
            keep(w, office, counties, rng)
        else:
            run_months(w, office, datetime.date(2015, 7, 31), rng)
            wind_down(w, office, by_code, rng)
    return w.text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--offices", type=int, default=300, help="number of offices")
    parser.add_argument("--out", required=True, help="the ledger file to write")
    parser.add_argument("--seed", type=int, default=20150720)
    parser.add_argument(
        "--no-plugin", action="store_true", help="leave out the plugin line"
    )
    args = parser.parse_args(argv)
    text = generate(args.offices, args.seed, plugin=not args.no_plugin)
    Path(args.out).write_text(text, encoding="utf-8")
    txns = sum(1 for line in text.splitlines() if line[:4].isdigit() and " * " in line)
    print(f"{args.out}: {args.offices} offices, {txns} transactions", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
