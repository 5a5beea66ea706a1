"""Atomic file output: the same module as :mod:`trialcompare._io` (its former name, kept for imports).

``trialcompare._io`` sits below both ``descriptor`` and ``render``; this name is an alias of that very module
object, so that ``from trialcompare.render.atomic import atomic_write_bytes`` and patching its functions in tests
keep working.
"""

import sys

from .. import _io

sys.modules[__name__] = _io
