"""``python -m trialcompare``: the ``trialcompare`` command line."""

from .cli import run

run()
