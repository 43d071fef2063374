"""The wheel, as `pip install tiltak` gets it: everything the commands read is inside it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout (with the installed hatchling), unpacked."""
    dist = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(ROOT)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    [wheel] = dist.glob("tiltak-*.whl")
    target = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def _run_installed(
    site: Path, cwd: Path, code: str, *args: str
) -> subprocess.CompletedProcess[str]:
    # Only the unpacked wheel on the path for tiltak: not the checkout's src/.
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONSAFEPATH": "1"}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip


def test_the_wheel_carries_the_example_report(unpacked_wheel: Path) -> None:
    shipped = unpacked_wheel / "tiltak" / "examples" / "2014-03.txt"
    assert shipped.read_bytes() == EXAMPLE.read_bytes()


def test_synth_and_the_benchmark_seed_work_from_the_wheel(
    unpacked_wheel: Path, tmp_path: Path
) -> None:
    where = _run_installed(
        unpacked_wheel,
        tmp_path,
        "import tiltak, tiltak.synth as s; print(tiltak.__file__); print(s.seed_report())",
    )
    assert where.returncode == 0, where.stderr
    module, seed = where.stdout.splitlines()
    assert Path(module).is_relative_to(unpacked_wheel)
    assert Path(seed) == unpacked_wheel / "tiltak" / "examples" / "2014-03.txt"
    synth = _run_installed(
        unpacked_wheel,
        tmp_path,
        "import sys; from tiltak.cli import main; sys.argv[0] = 'tiltak'; main()",
        "synth",
        str(tmp_path / "reports"),
        "--months",
        "2",
    )
    assert synth.returncode == 0, synth.stderr
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "2014-03.txt",
        "2014-04.txt",
    ]
