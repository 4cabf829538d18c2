"""The README lists the words registers are written in, one table per field: it must
list exactly what ``importers/words.py`` takes, and every word must mean one thing."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers import words
from importers.rows import category
from importers.rows import method

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("### 用语对照表") : README.index("**Why python-calamine.**")]

TABLES = {
    "categories": words.CATEGORY_WORDS,
    "methods": words.METHOD_WORDS,
    "register columns": words.INVENTORY_HEADERS,
    "result columns": words.DISPOSAL_HEADERS,
    "descriptive columns": words.DESCRIPTIVE_HEADERS,
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_the_readme_lists_every_word(table):
    missing = [
        word
        for found in TABLES[table].values()
        for word in found
        if not word.isascii() and word not in SECTION
    ]
    assert missing == []


def test_the_readme_lists_the_refused_words_and_the_units():
    plain = SECTION.replace("“", "").replace("”", "")
    for word in [*words.UNHOLDABLE_CATEGORIES, *words.FORBIDDEN_METHODS, *words.UNITS]:
        if not word.isascii():
            assert word in plain, word


def test_no_word_means_two_things():
    """A word in two fields' tables would make a header ambiguous."""
    for tables in (
        (words.INVENTORY_HEADERS, words.DESCRIPTIVE_HEADERS),
        (words.DISPOSAL_HEADERS,),
        (words.CATEGORY_WORDS,),
        (words.METHOD_WORDS,),
    ):
        seen: dict[str, str] = {}
        for table in tables:
            for field, found in table.items():
                for word in found:
                    k = words.key(word)
                    assert seen.setdefault(k, field) == field, (word, field, seen[k])


@pytest.mark.parametrize(
    ("word", "expected"),
    [(w, c) for c, ws in words.CATEGORY_WORDS.items() for w in ws],
)
def test_every_category_word_is_taken(word, expected):
    assert category(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [(w, m) for m, ws in words.METHOD_WORDS.items() for w in ws],
)
def test_every_method_word_is_taken(word, expected):
    assert method(word) == expected


def test_no_category_is_refused_and_taken():
    assert not set(map(words.key, words.UNHOLDABLE_CATEGORIES)) & set(words.CATEGORIES)
