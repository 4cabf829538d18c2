"""Text for a terminal: how many columns it takes, and Chinese wrapped to a width.

``liaison explain`` prints with :func:`wrap`; ``liaison new`` writes its comments with it.
"""

from __future__ import annotations

import unicodedata

_NO_LINE_START = frozenset("，。、；：！？）〕」』》〉】”’％,.;:!?)]}%")
_NO_LINE_END = frozenset("（〔「『《〈【“‘([{")


def display_width(text: str) -> int:
    """The columns ``text`` takes in a terminal: wide and fullwidth characters (CJK)
    take two, every other character one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _may_break(before: str, after: str) -> bool:
    """Whether a line may end between two characters with no space between them.

    Chinese breaks between any two characters, and between Chinese and other text,
    but never before closing punctuation, after opening punctuation, or between a
    digit and a Chinese character (``58号``, ``3人`` stay whole); other text breaks
    only at spaces, so metadata keys and account names are never cut.
    """
    if not (_wide(before) or _wide(after)):
        return False
    if after in _NO_LINE_START or before in _NO_LINE_END:
        return False
    return not (before.isdigit() or after.isdigit())


def _pieces(text: str) -> list[tuple[str, str]]:
    """``text`` as the pieces no line may split, each with the spaces before it."""
    pieces: list[tuple[str, str]] = []
    space = current = ""
    for ch in text:
        if ch.isspace():
            if current:
                pieces.append((space, current))
                space = current = ""
            space += " "
            continue
        if current and _may_break(current[-1], ch):
            pieces.append((space, current))
            space = current = ""
        current += ch
    if current:
        pieces.append((space, current))
    return pieces


def wrap(
    text: str, width: int, initial_indent: str = "", subsequent_indent: str = ""
) -> list[str]:
    """``text`` in lines of at most ``width`` columns (:func:`display_width`).

    Like ``textwrap.wrap`` for English (it breaks at spaces, and never at hyphens), and
    for Chinese, which has no spaces, between characters as Chinese typesetting does.
    Spaces where a line breaks are dropped; a piece wider than a whole line is cut
    wherever it must be.
    """
    lines: list[str] = []
    line, used, empty = initial_indent, display_width(initial_indent), True
    for space, piece in _pieces(text):
        size = display_width(piece)
        gap = "" if empty else space
        if not empty and used + len(gap) + size > width:
            lines.append(line)
            line, used, empty = subsequent_indent, display_width(subsequent_indent), True
            gap = ""
        if used + len(gap) + size <= width:
            line, used, empty = line + gap + piece, used + len(gap) + size, False
            continue
        for ch in piece:  # wider than a whole line
            if not empty and used + display_width(ch) > width:
                lines.append(line)
                line, used = subsequent_indent, display_width(subsequent_indent)
            line, used, empty = line + ch, used + display_width(ch), False
    if not empty:
        lines.append(line)
    return lines
