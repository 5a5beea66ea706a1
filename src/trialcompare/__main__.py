"""``python -m trialcompare``: the ``trialcompare`` command line."""

import sys

from .cli import main

sys.exit(main())
