"""Registry of check families (filled family by family)."""

from __future__ import annotations

__all__ = ["ALL"]

ALL: list = []
