"""Benchmarks of gh-promotion, measured side by side in one run: ``python -m bench``.

Each module measures one thing the project claims (issue 6) and returns a
:class:`~bench.report.Section`; :mod:`bench.__main__` runs them all and writes
``docs/benchmarks.md``. The machine is shared and noisy, so every section
quotes medians and ratios against yardsticks measured in the same run, never a
lone absolute time.
"""
