"""The policy texts the rules implement, and the words of each clause a rule cites.

Two documents are bundled in this package (``plugins/policy/``), as published, beside
the code that quotes them:

* 国办发〔2010〕8号, 关于加强和规范各地政府驻北京办事机构管理的意见, whose clauses are
  numbered (一) … (二十) through the whole text; cited ``2010(十八)``.
* 咸政办函〔2015〕58号, 咸宁市清理规范驻省会城市办事机构实施方案, numbered by part,
  section and item (``二、`` ``(二)`` ``2、``); cited ``2015 二(二)2``, a section alone
  ``2015 四(二)`` (with its items), a run of items ``2015 二(一)1-2``.

A rule's ``clause`` (SPEC section 3) is read by ``clauses``::

    >>> [c.label for c in clauses("2010(六)(七); 2015 二(一)3, 二(二)4")]
    ['国办发〔2010〕8号 (六)', '国办发〔2010〕8号 (七)', '咸政办函〔2015〕58号 二(一)3', \
'咸政办函〔2015〕58号 二(二)4']

A citation of another text (``条例 arts. 25–26``) is kept, with no words.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from pathlib import Path

FOLDER = Path(__file__).parent
"""Where the texts are: beside this file."""

DOCUMENTS = {
    "2010": ("国办发〔2010〕8号", "guobanfa-2010-8-beijing-offices.txt"),
    "2015": ("咸政办函〔2015〕58号", "xianzhengbanhan-2015-58-capital-offices.txt"),
}
"""How a clause cites a document (its year), to its number and bundled file."""

_NUMERAL = "一二三四五六七八九十"
_PART = re.compile(rf"^([{_NUMERAL}]+)、")
_SECTION = re.compile(rf"^[(（]([{_NUMERAL}]+)[)）]")
_ITEM = re.compile(r"^(\d+)、")
_CITED = re.compile(rf"^(?:([{_NUMERAL}]+))?((?:[(（][{_NUMERAL}]+[)）])*)(\d+(?:-\d+)?)?$")


@dataclasses.dataclass(frozen=True)
class Clause:
    """One clause a rule cites, and its words where the text is bundled.

    Attributes:
        document: The document's number, e.g. ``国办发〔2010〕8号``, or the citation
            itself for a text that is not bundled.
        ref: The clause within it, e.g. ``(十八)`` or ``二(二)2``.
        text: The clause's words (its heading and items for a section), or None.
    """

    document: str
    ref: str
    text: str | None

    @property
    def label(self) -> str:
        return f"{self.document} {self.ref}".strip()


@functools.cache
def _paragraphs(year: str) -> dict[tuple[str, ...], str]:
    """A document's numbered paragraphs by their path, e.g. ``("二", "二", "2")``.

    The 2010 text numbers its clauses through the whole text, so its paths are the
    clause alone, ``("十八",)``. A paragraph runs to the next numbered line; a
    section's text is its own with its items'.
    """
    _, name = DOCUMENTS[year]
    lines = (FOLDER / name).read_text(encoding="utf-8").splitlines()
    found: dict[tuple[str, ...], list[str]] = {}
    part = section = ""
    path: tuple[str, ...] | None = None
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if match := _PART.match(line):
            part, section, path = match.group(1), "", None
            continue
        if match := _SECTION.match(line):
            section = match.group(1)
            path = (section,) if year == "2010" else (part, section)
        elif (match := _ITEM.match(line)) and section and year != "2010":
            path = (part, section, match.group(1))
        if path is None:
            continue
        found.setdefault(path, []).append(line)
        if len(path) == 3:  # an item's words belong to its section too
            found.setdefault(path[:2], []).append(line)
    return {key: "\n".join(words) for key, words in found.items()}


def _words(year: str, cited: str) -> list[tuple[str, str | None]]:
    """``(ref, text)`` for one citation within a document, e.g. ``二(一)1-2``."""
    match = _CITED.match(cited.replace("（", "(").replace("）", ")"))
    if match is None:
        return [(cited, None)]
    part, sections, items = match.groups()
    names = re.findall(rf"\(([{_NUMERAL}]+)\)", sections or "")
    paragraphs = _paragraphs(year)
    if year == "2010" or not part:
        return [(f"({name})", paragraphs.get((name,))) for name in names] or [(cited, None)]
    if len(names) != 1:
        return [(cited, None)]
    if items is None:
        return [(cited, paragraphs.get((part, names[0])))]
    first, _, last = items.partition("-")
    numbers = range(int(first), int(last or first) + 1)
    return [
        (f"{part}({names[0]}){n}", paragraphs.get((part, names[0], str(n))))
        for n in numbers
    ]


def clauses(spec: str) -> list[Clause]:
    """The clauses of a rule's ``clause`` string, in order, with their words.

    ``"2010(十八); 2015 二(二)2"``: groups by ``;``, each led by the year of its
    document; within a group, citations by ``,``. ``—`` (no clause) gives none.
    """
    found: list[Clause] = []
    for group in spec.split(";"):
        group = group.strip()
        if not group or group in ("—", "-"):
            continue
        match = re.match(r"^(2010|2015)\s*(.*)$", group)
        if match is None:
            found.append(Clause(group, "", None))
            continue
        year, rest = match.groups()
        document = DOCUMENTS[year][0]
        for cited in rest.split(","):
            cited = cited.strip()
            if cited:
                found.extend(
                    Clause(document, ref, text) for ref, text in _words(year, cited)
                )
    return found


MISCITED = ("2015 二(二)2", "2015 三(二)2")
"""A citation SPEC section 3 gives the disposal rules, and the clause that says it.

SPEC cites ``2015 二(二)2`` for LD-201, LD-202, LD-203, LD-204, LD-211 and LD-213; in
咸政办函〔2015〕58号 二(二)2 is the consolidation of offices in several cities (LO-103's).
The duty to dispose by 划转、拍卖、有偿转让 without loss of state assets is 三(二)2, the
精简整合 step. The rules keep SPEC's citation (the contract: ``liaison check``'s
``clause`` field); what they quote is the clause that says it (docs/readings.md).
"""

DISPOSAL_RULES = frozenset(("LD-201", "LD-202", "LD-203", "LD-204", "LD-211", "LD-213"))


def quoted(code: str, cited: str) -> tuple[list[Clause], str | None]:
    """The clauses a rule quotes, and a note where they are not the ones it cites."""
    wrong, right = MISCITED
    if code not in DISPOSAL_RULES or wrong not in cited:
        return clauses(cited), None
    note = (
        "SPEC 引 咸政办函〔2015〕58号 二(二)2，该项是多城市派驻机构的整合；处置要求见于 "
        "三(二)2（精简整合环节），此处引其原文"
    )
    return clauses(cited.replace(wrong, right)), note
