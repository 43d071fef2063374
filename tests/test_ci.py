"""The CI script and the test harness cannot pass while something is quietly not tested."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

CI_SCRIPT = ROOT / ".ci" / "run"
README = ROOT / "README.md"


def _command_lines() -> list[str]:
    lines = []
    for line in CI_SCRIPT.read_text(encoding="utf-8").splitlines():
        code = line.split(" #", 1)[0].strip()
        if code and not code.startswith("#"):
            lines.append(code)
    return lines


def test_ci_runs_under_set_e_one_command_per_line() -> None:
    lines = _command_lines()
    assert "set -euo pipefail" in lines
    # Under set -e a failure of `a` in `a && b` is ignored: such a chain would hide it.
    chained = [line for line in lines if "&&" in line and not line.startswith("if ")]
    assert chained == []


def test_ci_runs_the_readme_test_command_step_by_step() -> None:
    readme = README.read_text(encoding="utf-8")
    [command] = re.findall(r"^(python3 -m venv .*\.venv/bin/pytest)$", readme, re.MULTILINE)
    steps = [step.strip() for step in command.split("&&")]
    lines = _command_lines()
    positions = [lines.index(step) for step in steps]
    assert positions == sorted(positions)


def test_ci_requires_every_ci_only_test_to_run() -> None:
    assert "export TILTAK_REQUIRE_ALL=1" in _command_lines()


SAMPLE = """
import pytest

@pytest.mark.required_in_ci
def test_needs_a_tool():
    pytest.skip("the tool is not installed")

@pytest.mark.required_in_ci
@pytest.mark.skipif(True, reason="never here")
def test_marked_skipif():
    pass

def test_may_skip():
    pytest.skip("optional")
"""


@pytest.mark.parametrize("require_all", ["1", ""])
def test_a_required_skip_fails_the_run_when_ci_requires_all(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, require_all: str
) -> None:
    monkeypatch.setenv("TILTAK_REQUIRE_ALL", require_all)
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "tests"))
    pytester.makepyfile(test_sample=SAMPLE)
    result = pytester.runpytest_subprocess("-p", "ci_required", "-rs")
    if require_all:  # a skip in setup (skipif) fails as an error, one in the test as a failure
        result.assert_outcomes(failed=1, errors=1, skipped=1)
    else:
        result.assert_outcomes(skipped=3)
    if require_all:
        result.stdout.fnmatch_lines(
            ["*skipped, but TILTAK_REQUIRE_ALL=1 requires this test to run*the tool is not*"]
        )
    else:
        result.stdout.fnmatch_lines(["SKIPPED*the tool is not installed*"])
