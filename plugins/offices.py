"""Rules on offices (LO-101 … LO-111). Placeholder until the family lands."""

from __future__ import annotations

FINDERS: dict = {}
