"""The shipped `implement` pack's exercises, graded by a fixture."""

from __future__ import annotations

import pytest

from tests.helpers.implement import grade_code


@pytest.fixture
def grader():
    return grade_code


@pytest.fixture(autouse=True)
def _no_waiting_children():
    """Children a test pre-started (the code screen, plain mode) end with the test."""
    yield
    from qkv_drill.exercises.warm import POOL

    POOL.shutdown()
