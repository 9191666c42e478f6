"""The shipped `implement` pack's exercises, graded by a fixture."""

from __future__ import annotations

import pytest

from tests.helpers.implement import grade_code


@pytest.fixture
def grader():
    return grade_code
