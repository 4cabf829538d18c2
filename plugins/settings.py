"""Program presets (SPEC section 4) and the typed settings every rule reads.

A program's settings are its preset, then the program's own metadata, then the
plugin's config, each overriding the one before. Keys are written as in the ledger
(``dispose-by``); the model uses the snake-case names.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from beancount.core.amount import Amount
from pydantic import AliasGenerator
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import ValidationError
from pydantic import field_validator

from plugins.catalogue import shown
from plugins.vocabulary import KINDS
from plugins.vocabulary import LEVELS

_WHOLE_DAYS = "应为非负整数天数"

# What a setting should be, by the kind of pydantic error (the first word of its type).
_SHOULD_BE = {
    "date": "应为日期，如 2015-08-31",
    "datetime": "应为日期，如 2015-08-31",
    "int": _WHOLE_DAYS,
    "decimal": "应为数值，如 0.05 或 1000",
    "bool": "应为 TRUE 或 FALSE",
    "frozen": '应为级别或类型的列表，如 "county, department"',
}


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class Settings(BaseModel):
    """What a program decides: who is kept, the deadlines, the tolerances."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=AliasGenerator(validation_alias=_kebab),
        populate_by_name=True,
    )

    kept_without_approval: frozenset[str]
    kept_with_approval: frozenset[str]
    abolished: frozenset[str]
    ban_from: datetime.date
    register_by: datetime.date
    decide_by: datetime.date
    dispose_by: datetime.date
    delink_by: datetime.date
    close_grace: int
    audit_grace: int
    loss_tolerance: Decimal
    remit_within: int
    appraisal_valid: int
    consolidation: bool
    reception_per_person: Decimal | None = None

    @field_validator("ban_from", "register_by", "decide_by", "dispose_by", "delink_by")
    @classmethod
    def _plausible_date(cls, value: datetime.date) -> datetime.date:
        # a date at the calendar's end (9999-12-31) overflows every deadline + grace
        if not 1900 <= value.year <= 2100:
            raise ValueError("应为 1900 至 2100 年之间的日期")
        return value

    @field_validator("close_grace", "audit_grace", "remit_within", "appraisal_valid")
    @classmethod
    def _plausible_days(cls, value: int) -> int:
        if not 0 <= value <= 36500:
            raise ValueError("应为 0 至 36500 之间的天数")
        return value

    @field_validator(
        "kept_without_approval", "kept_with_approval", "abolished", mode="before"
    )
    @classmethod
    def _split_names(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [part.strip() for part in value.replace("，", ",").split(",")]
        if isinstance(value, list | tuple | set | frozenset):
            names = frozenset(str(part) for part in value if str(part))
            unknown = names - set(LEVELS) - set(KINDS)
            if unknown:
                raise ValueError(f"{'、'.join(sorted(unknown))} 不是已知的级别或类型")
            return names
        return value

    @field_validator("reception_per_person", "loss_tolerance", mode="before")
    @classmethod
    def _amount_number(cls, value: Any) -> Any:
        # `150 CNY` in the ledger arrives as an Amount; the rules need the number.
        if isinstance(value, Amount):
            if value.currency != "CNY":
                raise ValueError(f"币种应为 CNY，实际为 {value.currency}")
            return value.number
        if isinstance(value, float):
            raise ValueError("请写成数值字符串或金额（如 150 CNY），不要写浮点数")
        return value

    @field_validator(
        "close_grace", "audit_grace", "remit_within", "appraisal_valid", mode="before"
    )
    @classmethod
    def _whole_days(cls, value: Any) -> Any:
        if isinstance(value, Decimal):
            if value != value.to_integral_value() or value < 0:
                raise ValueError(_WHOLE_DAYS)
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            raise ValueError(_WHOLE_DAYS)
        return value

    @field_validator("loss_tolerance")
    @classmethod
    def _tolerance_range(cls, value: Decimal) -> Decimal:
        if value < 0:
            raise ValueError("不能为负数")
        return value

    def tolerance(self, appraisal: Decimal) -> Decimal:
        """The loss allowed below ``appraisal``.

        A loss-tolerance below 1 is a fraction of the appraisal (0.05 is 5 %); one of 1
        or more is yuan.
        """
        if self.loss_tolerance < 1:
            return appraisal * self.loss_tolerance
        return self.loss_tolerance


_ABOLISHED = frozenset({"county", "department", "devzone"})

PRESETS: dict[str, dict[str, Any]] = {
    "beijing-2010": {
        "kept-without-approval": frozenset(
            {"province", "sub-provincial", "planned-city", "sez", "xpcc"}
        ),
        "kept-with-approval": frozenset({"prefecture"}),
        "abolished": _ABOLISHED,
        "ban-from": datetime.date(2010, 1, 19),
        "register-by": datetime.date(2010, 7, 19),
        "decide-by": datetime.date(2010, 7, 19),
        "dispose-by": datetime.date(2010, 7, 19),
        "delink-by": datetime.date(2010, 7, 19),
        "close-grace": 90,
        "audit-grace": 180,
        "loss-tolerance": Decimal(0),
        "remit-within": 30,
        "appraisal-valid": 365,
        "consolidation": False,
        "reception-per-person": None,
    },
    "capital-2015": {
        "kept-without-approval": frozenset(),
        "kept-with-approval": frozenset(
            {
                "province",
                "sub-provincial",
                "planned-city",
                "sez",
                "xpcc",
                "prefecture",
                "aid",
            }
        ),
        "abolished": _ABOLISHED,
        "ban-from": datetime.date(2015, 7, 20),
        "register-by": datetime.date(2015, 7, 31),
        "decide-by": datetime.date(2015, 7, 31),
        "dispose-by": datetime.date(2015, 8, 31),
        "delink-by": datetime.date(2015, 10, 20),
        "close-grace": 90,
        "audit-grace": 180,
        "loss-tolerance": Decimal(0),
        "remit-within": 30,
        "appraisal-valid": 365,
        "consolidation": True,
        "reception-per-person": None,
    },
}
DEFAULT_PRESET = "beijing-2010"

SETTING_KEYS = frozenset(PRESETS[DEFAULT_PRESET])
"""The keys a program's metadata or the plugin's config may set."""


def build(
    preset: str, *overrides: dict[str, Any]
) -> tuple[Settings, list[tuple[str, str]]]:
    """Settings from a preset and overrides, keeping every override that is valid.

    Args:
        preset: A key of PRESETS.
        overrides: Mappings of ledger-style keys to values, later ones winning. Keys
            outside SETTING_KEYS are ignored here (the caller decides what they are).
    Returns:
        The settings, and for every override that could not be used, its key and why.
    """
    values = dict(PRESETS[preset])
    for override in overrides:
        values.update({k: v for k, v in override.items() if k in SETTING_KEYS})
    problems: list[tuple[str, str]] = []
    while True:
        try:
            return Settings.model_validate(values), problems
        except ValidationError as exc:
            bad = {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
            for err in exc.errors():
                if err["loc"]:
                    key = str(err["loc"][0])
                    problems.append((key, _problem(key, values.get(key), err)))
            if not bad or not bad <= set(values):
                raise
            for key in bad:  # fall back to the preset's value and try again
                values[key] = PRESETS[preset][key]


def _problem(key: str, value: Any, err: Any) -> str:
    """``dispose-by 的值 'soon' 无效：应为日期，如 2015-08-31``."""
    if err["type"] == "value_error":
        why = str((err.get("ctx") or {}).get("error") or err["msg"])
    else:
        why = _SHOULD_BE.get(err["type"].split("_")[0], f"无法读取（{err['msg']}）")
    return f"{key} 的值 {shown(value)} 无效：{why}"
