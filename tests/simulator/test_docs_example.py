"""docs/simulator.md's first example must run as written."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "simulator.md"


def test_the_documented_test_passes():
    first_block = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(compile(first_block, str(DOC), "exec"), namespace)
    namespace["test_staging_follows_main"]()
