"""What ``liaison explain`` prints: the rules listed, or one rule explained.

One rule's explanation is its heading and title, what it means in Chinese and in
English, and the words of the policy clauses it cites (``plugins.policy``), each
paragraph wrapped to :data:`WIDTH` terminal columns.
"""

from __future__ import annotations

from plugins.catalogue import RULES
from plugins.catalogue import Rule
from reports.terminal import wrap

WIDTH = 88
"""The width ``liaison explain`` wraps to, in terminal columns."""


def rule_list() -> list[str]:
    """A line per rule: code, name, Chinese name and title."""
    return [
        f"{each.code}  {each.name:<28} {each.zh}  {each.title}" for each in RULES.values()
    ]


def explanation_text(rule: Rule, width: int = WIDTH) -> str:
    """What ``liaison explain CODE`` prints: the rule's heading and title, then its
    explanation in Chinese and in English, each paragraph wrapped to ``width`` columns."""
    lines = wrap(f"{rule.code} {rule.name} {rule.zh}  ({rule.clause})", width, "", "    ")
    lines += wrap(rule.title, width, "  ", "    ")
    for heading, explanation in (
        ("中文说明", rule.explanation_zh),
        ("English", rule.explanation),
    ):
        lines += ["", heading]
        for paragraph in explanation.split("\n"):
            lines += wrap(paragraph, width, "  ", "    ")
    from plugins import policy

    quotes, note = policy.quoted(rule.code, rule.clause)
    if quotes:
        lines += ["", "政策原文"]
        for clause in quotes:
            lines += wrap(clause.label, width, "  ", "    ")
            for paragraph in (clause.text or "（原文未收录）").split("\n"):
                lines += wrap(paragraph, width, "    ", "    ")
        if note:
            lines += wrap(f"注：{note}", width, "  ", "    ")
    return "\n".join(lines)
