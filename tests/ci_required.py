"""A pytest plugin: under TILTAK_REQUIRE_ALL=1 (set by .ci/run), a test marked
`required_in_ci` that skips fails instead, so CI cannot pass without running it.

`@pytest.mark.required_in_ci(as_root=True)` requires it only of a run as root.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

REQUIRE_ALL = "TILTAK_REQUIRE_ALL"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "required_in_ci(as_root=False): a skip of this test fails the run when"
        f" {REQUIRE_ALL}=1 (as CI sets it)",
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[Any]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    marker = item.get_closest_marker("required_in_ci")
    if not (report.skipped and marker and os.environ.get(REQUIRE_ALL) == "1"):
        return
    if marker.kwargs.get("as_root") and os.geteuid() != 0:
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    report.outcome = "failed"
    report.longrepr = f"skipped, but {REQUIRE_ALL}=1 requires this test to run: {reason}"
