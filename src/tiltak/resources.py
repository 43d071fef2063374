"""Where the alembic scripts, SQL views and the example report are: inside the wheel, or
beside src/ in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """``alembic``, ``sql`` or ``examples``: the wheel carries them in the package (examples/
    only the March 2014 report), a checkout at its root."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"tiltak is installed without its {name}/ directory")


def alembic_dir() -> Path:
    return resource_dir("alembic")


def views_dir() -> Path:
    return resource_dir("sql") / "views"
