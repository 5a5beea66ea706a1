"""Descriptor models, the harmonized vocabulary and the parser of printed values."""

from .models import Descriptor
from .vocabulary import ENDPOINTS, RATES, VARIABLES

__all__ = ["ENDPOINTS", "RATES", "VARIABLES", "Descriptor"]
