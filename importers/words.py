"""The words registers are written in: one table per field, listed in the README.

Offices, finance bureaus and the 公共资源交易中心 do not write SPEC's words. Their registers
use the national classification of fixed assets (GB/T 14885, top classes), the account
names of 政府会计制度, the methods as a trading centre writes them, and many names for
one column. Each table maps a word, folded as ``key`` folds it, to what the ledger
holds; a word the ledger cannot hold maps to the reason, which the import says.

No Beancount and no project imports here: the tables are data.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal

_NOT_IN_KEY = re.compile(r"[\s_*\-、·]+")


@functools.lru_cache(maxsize=4096)  # a register repeats its few words in every row
def key(text: str) -> str:
    """A word as the tables hold it: NFKC-folded, lower case, without any whitespace,
    hyphen or underscore.

    ``资 产 编 号``, ``资产编号``, ``ＡＳＳＥＴ－ＩＤ``, ``Asset ID`` and ``asset_id``
    all find their entry.
    """
    return _NOT_IN_KEY.sub("", unicodedata.normalize("NFKC", text).lower())


# --- Categories -------------------------------------------------------------------------

CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "Land": ("土地", "土地使用权", "土地及土地使用权", "land"),
    "Buildings": (
        "房屋",
        "房产",
        "房屋及构筑物",
        "房屋和构筑物",
        "房屋建筑物",
        "房屋及建筑物",
        "建筑物",
        "构筑物",
        "办公用房",
        "buildings",
    ),
    "Vehicles": (
        "车辆",
        "交通运输设备",
        "运输设备",
        "交通工具",
        "机动车",
        "汽车",
        "vehicles",
    ),
    "Equipment": (
        "设备",
        "通用设备",
        "专用设备",
        "办公设备",
        "电子设备",
        "家具、用具、装具及动植物",
        "家具和用具",
        "家具用具",
        "家具",
        "图书、档案",
        "图书和档案",
        "文物和陈列品",
        "equipment",
    ),
    "Enterprises": (
        "企业",
        "所办企业",
        "对外投资",
        "长期投资",
        "长期股权投资",
        "股权投资",
        "enterprises",
    ),
    "Receivables": (
        "债权",
        "应收款",
        "应收款项",
        "应收账款",
        "其他应收款",
        "预付账款",
        "预付款项",
        "应收票据",
        "receivables",
    ),
    "Payables": (
        "债务",
        "应付款",
        "应付款项",
        "应付账款",
        "其他应付款",
        "预收账款",
        "预收款项",
        "应付票据",
        "payables",
    ),
    "Cash": (
        "资金",
        "货币资金",
        "银行存款",
        "现金",
        "库存现金",
        "其他货币资金",
        "零余额账户用款额度",
        "cash",
    ),
}
"""SPEC's categories and the words for them: SPEC's own (土地 … 资金), GB/T 14885's top
classes (房屋及构筑物, 通用设备, 专用设备, 交通运输设备 as 车辆 in SPEC's sense,
家具、用具、
装具及动植物, 图书、档案, 文物和陈列品), and 政府会计制度's account names (长期股权投资,
应收账款, 其他应收款, 其他应付款, 银行存款, 库存现金 …)."""

UNHOLDABLE_CATEGORIES: dict[str, str] = {
    "无形资产": "无形资产（土地使用权除外）",
    "软件": "软件（无形资产）",
    "专利权": "专利权（无形资产）",
    "商标权": "商标权（无形资产）",
    "著作权": "著作权（无形资产）",
    "在建工程": "在建工程",
    "存货": "存货",
    "库存物品": "库存物品",
    "物资": "物资",
    "公共基础设施": "公共基础设施",
    "应缴财政款": "应缴财政款（处置收入应缴国库的部分，由处置记账产生）",
    "土地、房屋及构筑物": "“土地、房屋及构筑物”（土地与房屋须分行登记）",
}
"""Words of real registers for holdings the ledger's categories cannot hold, and how the
refusal names them. 土地、房屋及构筑物 (GB/T 14885-2010's class 1) joins two categories."""

UNHOLDABLE: dict[str, str] = {key(word): why for word, why in UNHOLDABLE_CATEGORIES.items()}

CATEGORIES: dict[str, str] = {
    key(word): category for category, words in CATEGORY_WORDS.items() for word in words
}


# --- Disposal methods -------------------------------------------------------------------

METHOD_WORDS: dict[str, tuple[str, ...]] = {
    "transfer": (
        "transfer",
        "划转",
        "无偿划转",
        "调拨",
        "无偿调拨",
        "划拨",
        "无偿划拨",
        "移交",
    ),
    "auction": (
        "auction",
        "拍卖",
        "公开拍卖",
        "网络拍卖",
        "网上拍卖",
        "委托拍卖",
        "司法拍卖",
    ),
    "sale": (
        "sale",
        "有偿转让",
        "转让",
        "出售",
        "协议转让",
        "挂牌转让",
        "公开挂牌转让",
        "公开挂牌",
        "挂牌出让",
        "竞价转让",
        "公开竞价",
        "网络竞价",
        "招标转让",
    ),
}
"""The three methods the programs permit (SPEC 2.3), as trading centres and finance
bureaus write them."""

FORBIDDEN_METHODS: dict[str, str] = {
    word: word
    for word in ("置换", "报废", "报损", "捐赠", "对外捐赠", "出租", "出借", "核销", "赠送")
}
"""Methods real files name that the programs do not permit for an abolished office's
assets: refused, naming the three that are."""

METHODS: dict[str, str] = {
    key(word): method for method, words in METHOD_WORDS.items() for word in words
}


# --- Units of money ---------------------------------------------------------------------

UNITS: dict[str, Decimal] = {
    "元": Decimal(1),
    "人民币元": Decimal(1),
    "cny": Decimal(1),
    "yuan": Decimal(1),
    "千元": Decimal(1000),
    "万元": Decimal(10000),
    "人民币万元": Decimal(10000),
    "百万元": Decimal(1000000),
    "亿元": Decimal(100000000),
}
"""Units an amount may be stated in, to the yuan in one of them."""


# --- Column headers ---------------------------------------------------------------------

INVENTORY_HEADERS: dict[str, tuple[str, ...]] = {
    "office": ("机构代码", "office", "机构编码", "办事机构代码", "单位代码"),
    "asset_id": (
        "资产编号",
        "asset-id",
        "资产编码",
        "资产代码",
        "卡片编号",
        "资产卡片编号",
        "卡片号",
        "编号",
    ),
    "name": ("资产名称", "name", "名称", "资产项目", "项目名称"),
    "category": ("资产类别", "category", "类别", "资产分类", "分类", "资产类型"),
    "acquired": (
        "取得日期",
        "acquired",
        "取得时间",
        "购置日期",
        "购置时间",
        "购入日期",
        "入账日期",
    ),
    "original_cost": ("原值", "original-cost", "账面原值", "资产原值", "原价"),
    "book_value": (
        "账面净值",
        "book-value",
        "账面价值",
        "净值",
        "账面余额",
        "金额",
        "账面金额",
    ),
    "appraisal": ("评估价值", "appraisal", "评估值", "评估价", "评估价格", "评估金额"),
    "use": ("用途", "use", "使用用途", "使用方向"),
    "date": ("登记日期", "date"),
}
"""The register's columns (SPEC 5): the field, then SPEC's Chinese and English headers,
then the other names registers give them."""

DISPOSAL_HEADERS: dict[str, tuple[str, ...]] = {
    "asset_id": ("资产编号", "asset-id", "资产编码", "资产代码", "卡片编号", "标的编号"),
    "name": ("标的名称", "name", "资产名称", "标的物名称", "标的物", "标的"),
    "method": ("处置方式", "method", "处置形式", "交易方式", "转让方式"),
    "date": ("处置日期", "date", "成交日期", "成交时间", "交易日期", "划转日期"),
    "approval": ("批准文号", "approval", "批复文号", "审批文号", "批准文件"),
    "appraisal": ("评估价值", "appraisal", "评估值", "评估价", "评估价格", "评估金额"),
    "proceeds": (
        "成交金额",
        "proceeds",
        "成交价",
        "成交价格",
        "成交价款",
        "处置收入",
        "转让价款",
        "拍卖成交价",
    ),
    "counterparty": (
        "受让方",
        "counterparty",
        "recipient",
        "买受人",
        "受让单位",
        "受让人",
        "接收方",
        "接收单位",
        "竞买人",
        "承接单位",
    ),
}
"""The disposal result's columns (SPEC 5), SPEC's headers first."""

DESCRIPTIVE_HEADERS: dict[str, tuple[str, ...]] = {
    "specification": (
        "规格型号",
        "specification",
        "规格",
        "型号",
        "品牌型号",
        "品牌及型号",
    ),
    "quantity": ("数量", "quantity"),
    "department": ("使用部门", "department", "使用单位", "管理部门", "使用科室"),
    "location": (
        "存放地点",
        "location",
        "坐落位置",
        "坐落地点",
        "存放位置",
        "地址",
        "坐落",
    ),
    "accumulated-depreciation": (
        "累计折旧",
        "accumulated-depreciation",
        "累计摊销",
        "累计折旧（摊销）",
    ),
    "note": ("备注", "note", "说明", "remark", "remarks"),
}
"""Descriptive columns kept as metadata on an asset's ``open``, by metadata key; the
register's own words for each. ``accumulated-depreciation`` is an amount in the file's
unit, booked in yuan like the others."""

IGNORED_HEADERS: frozenset[str] = frozenset(
    key(word)
    for word in (
        "序号",
        "no",
        "no.",
        "行次",
        "栏次",
        "计量单位",
        "单位",
        "使用状况",
        "使用状态",
        "资产状态",
        "价值",
        "价值类型",
    )
)
"""Columns forms commonly carry that the ledger does not need: read past in silence."""

MONEY_FIELDS = frozenset(
    {"original_cost", "book_value", "appraisal", "proceeds", "accumulated-depreciation"}
)
"""Columns whose amounts are stated in the file's unit and booked in yuan."""


def header_table(fields: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """``key(word)`` to the field, for every word of every field."""
    return {key(word): field for field, words in fields.items() for word in words}


# --- The form around the table ----------------------------------------------------------

TOTAL_WORDS: dict[str, int] = {"小计": 1, "合计": 2, "总计": 3}
"""Total rows by rank: a total closes the rows since the last total of its rank or above."""

FOOTER_WORDS: tuple[str, ...] = (
    "单位负责人",
    "负责人",
    "财务负责人",
    "部门负责人",
    "主管领导",
    "分管领导",
    "审核人",
    "复核人",
    "审核",
    "填表人",
    "制表人",
    "填报人",
    "经办人",
    "联系人",
    "联系电话",
    "填表说明",
    "说明",
    "注",
    "制表日期",
    "填表日期",
    "单位盖章",
)
"""Words that open a signature footer or the notes below a form."""

FILL_LABELS: dict[str, str] = {
    "填报单位": "office",
    "填表单位": "office",
    "编制单位": "office",
    "报送单位": "office",
    "单位名称": "office",
    "金额单位": "unit",
    "货币单位": "unit",
    "单位": "unit",
    "填报日期": "date",
    "填表日期": "date",
    "报送日期": "date",
    "编制日期": "date",
}
"""The labels of a fill line (``填报单位：… 金额单位：元 填报日期：…``), and what each
gives."""
