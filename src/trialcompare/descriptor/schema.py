"""JSON Schema of descriptors, for editors (``# yaml-language-server: $schema=...``)."""

from __future__ import annotations

import re
from typing import Any

from .models import Descriptor
from .vocabulary import VARIABLES

__all__ = ["json_schema"]

# a model docstring's numpydoc sections (its fields): the schema gives each field its own description
_SECTIONS = re.compile(r"\n\n(?:Attributes|Parameters)\n-+\n.*", re.DOTALL)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a cohort descriptor.

    Returns
    -------
    dict
        JSON Schema (draft 2020-12) with the harmonized vocabulary listed in the description.
    """
    schema = Descriptor.model_json_schema()
    for definition in schema.get("$defs", {}).values():
        if "description" in definition:
            definition["description"] = _SECTIONS.sub("", definition["description"])
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "trialcompare cohort descriptor"
    vocab = "; ".join(
        f"{v.name} ({v.kind}{': ' + ', '.join(v.levels) if v.levels else ''})" for v in VARIABLES.values()
    )
    schema["description"] = f"One published cohort. Harmonized variables: {vocab}."
    return schema
