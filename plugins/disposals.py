"""Rules on disposals (LD-201 … LD-213). Placeholder until the family lands."""

from __future__ import annotations

FINDERS: dict = {}
