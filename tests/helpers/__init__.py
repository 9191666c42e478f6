"""Code shared by the tests: builders, drivers and readers, imported as `tests.helpers.<name>`.

Test modules import from here (or take a conftest fixture), never from one another.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
