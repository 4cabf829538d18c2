"""How the 清理规范 page writes two kinds of value: money, and a rule's explanation.

The page's templates call them (``extension.money_text``, ``extension.explanation_html``);
both are pure.
"""

from __future__ import annotations

import re
from decimal import Decimal

from markupsafe import Markup

_LABEL = re.compile(r"^(?:含义|依据|改正)：|^(?:What|Why|Fix):")


def explanation_html(text: str) -> Markup:
    """A catalogue explanation as html: a paragraph for each line, its label (``含义：``,
    ``What:``) in bold, what stands between backticks (metadata, ledger snippets) as
    code, and everything else escaped."""
    paragraphs = []
    for line in text.split("\n"):
        match = _LABEL.match(line)
        label = match.group(0) if match else ""
        parts = line[len(label) :].split("`")
        if len(parts) % 2 == 0:  # an unpaired backtick: shown as written
            parts = [line[len(label) :]]
        body = Markup("").join(
            Markup("<code>{}</code>").format(part) if i % 2 else part
            for i, part in enumerate(parts)
        )
        head = Markup("<b>{}</b>").format(label) if label else ""
        paragraphs.append(Markup("<p>{}{}</p>").format(head, body))
    return Markup("").join(paragraphs)


def money_text(value: Decimal | None) -> str:
    """``1,234,567.00``; empty for None."""
    if value is None:
        return ""
    return f"{value:,.2f}"
