"""Where an office stands in the chain county → prefecture → province → nation.

Every row of an export is placed by the government that dispatched its office
(派出地政府, SPEC 2.1 ``custom "office" … government:``): that government's code, name,
level and ``parent:``, the prefecture-level government above it (itself, if it is one),
and its province; and the office's host city and host province. The books already say
all of this in the declarations of SPEC 2.1; where they leave a gap, the reading is the
one an auditor would make:

- the province is the government's ``province:``, else the nearest ``province:`` up its
  ``parent:`` chain, else the name of a province-level government on that chain;
  ``湖北``, ``湖北省`` and ``湖北省人民政府`` are one province (``湖北``);
- the prefecture is the first government on the chain (the government itself first)
  whose level is prefecture, sub-provincial, planned-city or sez; a province-level
  government (province, xpcc) is its own "prefecture" (省本级, so that a province is
  always the sum of its prefectures); a county whose ``parent:`` names a government
  these books do not declare is placed under that code (its name unknown); with no
  ``parent:`` at all, the prefecture is left empty and the roll-up shows it as
  未注明 rather than guessing;
- the host province is the office's ``host-province:``, else the province whose
  capital, or the municipality, the host city is (SPEC 2.1 lets ``host-province:`` be
  left out there).

Pure functions of ``plugins.model.Books``; nothing here reads a file.
"""

from __future__ import annotations

import dataclasses
from typing import Any

PREFECTURE_LEVELS = frozenset({"prefecture", "sub-provincial", "planned-city", "sez"})
PROVINCE_LEVELS = frozenset({"province", "xpcc"})

CAPITALS = {
    "北京": "北京",
    "天津": "天津",
    "上海": "上海",
    "重庆": "重庆",
    "石家庄": "河北",
    "太原": "山西",
    "呼和浩特": "内蒙古",
    "沈阳": "辽宁",
    "长春": "吉林",
    "哈尔滨": "黑龙江",
    "南京": "江苏",
    "杭州": "浙江",
    "合肥": "安徽",
    "福州": "福建",
    "南昌": "江西",
    "济南": "山东",
    "郑州": "河南",
    "武汉": "湖北",
    "长沙": "湖南",
    "广州": "广东",
    "南宁": "广西",
    "海口": "海南",
    "成都": "四川",
    "贵阳": "贵州",
    "昆明": "云南",
    "拉萨": "西藏",
    "西安": "陕西",
    "兰州": "甘肃",
    "西宁": "青海",
    "银川": "宁夏",
    "乌鲁木齐": "新疆",
}
"""Provincial capitals and municipalities → their province (the short name)."""

_SUFFIXES = (
    "人民政府",
    "维吾尔自治区",
    "壮族自治区",
    "回族自治区",
    "自治区",
    "省",
)
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")


def province_name(text: str | None) -> str | None:
    """The short name of a province: ``湖北省人民政府`` → ``湖北``; None for no text."""
    if text is None:
        return None
    name = text.strip()
    for suffix in _SUFFIXES:
        name = name.removesuffix(suffix)
    if name.endswith("市") and name[:-1] in _MUNICIPALITIES:
        name = name[:-1]
    return name or None


def host_city(text: str | None) -> str | None:
    """``武汉市`` and ``武汉`` are one host city."""
    if text is None:
        return None
    name = text.strip()
    if name.endswith("市") and len(name) > 2:
        name = name[:-1]
    return name or None


@dataclasses.dataclass(frozen=True)
class Place:
    """A dispatching government's place in the chain, and its office's host."""

    government: str | None = None
    government_name: str | None = None
    level: str | None = None
    parent: str | None = None
    prefecture: str | None = None
    prefecture_name: str | None = None
    province: str | None = None
    host: str | None = None
    host_province: str | None = None

    def columns(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


FIELDS = tuple(f.name for f in dataclasses.fields(Place))


def _chain(books: Any, code: str | None) -> list[Any]:
    """The government ``code`` and its declared ancestors, nearest first."""
    chain: list[Any] = []
    seen: set[str] = set()
    while code and code in books.governments and code not in seen:
        seen.add(code)
        government = books.governments[code]
        chain.append(government)
        code = government.parent
    return chain


def place_government(books: Any, code: str | None) -> Place:
    """The place of government ``code`` (a code these books may not declare)."""
    chain = _chain(books, code)
    if not chain:
        return Place(government=code or None, government_name=code or None)
    own = chain[0]
    province = next(
        (province_name(g.province) for g in chain if province_name(g.province)), None
    )
    if province is None:
        province = next(
            (province_name(g.name) for g in chain if g.level in PROVINCE_LEVELS), None
        )
    prefecture: str | None = None
    prefecture_name: str | None = None
    for government in chain:
        if government.level in PREFECTURE_LEVELS:
            prefecture, prefecture_name = government.code, government.name
            break
        if government.level in PROVINCE_LEVELS:
            prefecture = government.code
            prefecture_name = f"{government.name}（省本级）"
            break
    else:
        top = chain[-1]
        if top.parent and top.parent not in books.governments:
            prefecture, prefecture_name = top.parent, top.parent
    return Place(
        government=own.code,
        government_name=own.name,
        level=own.level,
        parent=own.parent,
        prefecture=prefecture,
        prefecture_name=prefecture_name,
        province=province,
    )


def place_office(books: Any, code: str) -> Place:
    """The place of office ``code``: its dispatching government's, and its host."""
    office = books.offices[code]
    host = host_city(office.host)
    host_province = province_name(office.host_province) or CAPITALS.get(host or "")
    return dataclasses.replace(
        place_government(books, office.government), host=host, host_province=host_province
    )


def top_government(books: Any) -> str | None:
    """The government the books are kept for: the first declared with no declared parent.

    Rows that name no office (a violation on a transaction of no office) are placed
    here.
    """
    for government in books.governments.values():
        if not government.parent or government.parent not in books.governments:
            return str(government.code)
    return None
