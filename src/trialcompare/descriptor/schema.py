"""JSON Schema of descriptors, for editors (``# yaml-language-server: $schema=...``)."""

from __future__ import annotations

from typing import Any

from .models import Descriptor
from .vocabulary import VARIABLES

__all__ = ["json_schema"]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a cohort descriptor.

    Returns
    -------
    dict
        JSON Schema (draft 2020-12) with the harmonized vocabulary listed in the description.
    """
    schema = Descriptor.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "trialcompare cohort descriptor"
    vocab = "; ".join(
        f"{v.name} ({v.kind}{': ' + ', '.join(v.levels) if v.levels else ''})" for v in VARIABLES.values()
    )
    schema["description"] = f"One published cohort. Harmonized variables: {vocab}."
    return schema
