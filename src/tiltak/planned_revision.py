"""A category plan as an alembic revision file, with report text confined to literals.

A label or a file name is data from a report, and every command's schema check reads the
revision's source, while `tiltak db upgrade` runs it. So such text enters the source only as
a repr() literal, never a docstring or comment, and the written source is parsed back and
its constants compared with the plan before it is saved.
"""

from __future__ import annotations

import ast
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from string import Template
from typing import Any, cast

from tiltak.categories import Plan
from tiltak.errors import MigrationError
from tiltak.resources import alembic_dir
from tiltak.revisions import REVISION_ID, top_level_assignments


def new_revision_id(periode: date) -> str:
    # Not a sequence number: revisions written outside the project's alembic/versions must
    # never collide with a later revision of the project's own.
    return f"kategorier_{periode:%Y_%m}_{secrets.token_hex(3)}"


def write_revision(plan: Plan, directory: Path, revision: str, down_revision: str) -> Path:
    """Write `plan` as an alembic revision in `directory`; the file's path."""
    for ident in (revision, down_revision):
        if not REVISION_ID.fullmatch(ident):
            raise MigrationError(f"revision id {ident!r} is not a plain id; cannot write it")
    data = _constants(plan)
    template = alembic_dir() / "category_revision.py.tmpl"
    source = Template(template.read_text(encoding="utf-8")).substitute(
        # Only dates, counts and plain ids (checked above) outside the literals.
        month=f"{plan.periode:%Y-%m}",
        summary=plan.summary(),
        revision=revision,
        down_revision=down_revision,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
        revision_literal=_py(revision),
        down_revision_literal=_py(down_revision),
        valid_from=_py(plan.periode),
        report=_py(data["REPORT"]),
        absent=_items(plan.absent),
        new_groups=_items(plan.new_groups),
        new_tiltak=_items(plan.new_tiltak),
        group_aliases=_pairs(plan.group_aliases.items()),
        tiltak_aliases=_pairs(plan.tiltak_aliases.items()),
        memberships=_items(plan.memberships),
        moves=_items(plan.moves),
    )
    if _assigned_literals(source, data.keys()) != data:
        raise MigrationError("the generated revision does not hold the plan; nothing written")
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / f"{revision}.py"
    path.write_text(source, encoding="utf-8")
    return path


def _constants(plan: Plan) -> dict[str, object]:
    """What each constant of the revision must hold."""
    return {
        "VALID_FROM": plan.periode,
        "REPORT": Path(plan.report).name,
        "ABSENT": list(plan.absent),
        "NEW_GROUPS": plan.new_groups,
        "NEW_TILTAK": plan.new_tiltak,
        "TILTAKSGRUPPE_ALIASES": plan.group_aliases,
        "TILTAK_ALIASES": plan.tiltak_aliases,
        "MEMBERSHIPS": plan.memberships,
        "MOVES": plan.moves,
    }


def _assigned_literals(source: str, names: Iterable[str]) -> dict[str, object]:
    """The values the module assigns to `names`, read as literals (`date(…)` included)."""
    wanted = set(names)
    return {
        name: ast.literal_eval(_DatesAsConstants().visit(value))
        for name, value in top_level_assignments(ast.parse(source))
        if name in wanted
    }


class _DatesAsConstants(ast.NodeTransformer):
    def visit_Call(self, node: ast.Call) -> ast.AST:
        func, args = node.func, node.args
        if isinstance(func, ast.Name) and func.id == "date" and not node.keywords:
            numbers = [a.value for a in args if isinstance(a, ast.Constant)]
            if len(numbers) == len(args) == 3 and all(isinstance(n, int) for n in numbers):
                # literal_eval returns a Constant's value as it is, whatever its type.
                return ast.Constant(cast(Any, date(*cast(list[int], numbers))))
        return node


def _py(value: object) -> str:
    """A Python literal of `value`, by repr(), double-quoted where ruff's format would be."""
    if isinstance(value, str):
        literal = repr(value)
        if literal.startswith("'") and '"' not in value:
            # repr() chose single quotes and escaped none of them: swapping them is exact.
            literal = f'"{literal[1:-1]}"'
        return literal
    if isinstance(value, date):
        return f"date({value.year}, {value.month}, {value.day})"
    if isinstance(value, tuple):
        return "(" + ", ".join(_py(v) for v in value) + ")"
    return repr(value)


def _items(items: Iterable[object]) -> str:
    """Python literal items of a list, one a line."""
    return _lines(_py(item) for item in items)


def _pairs(pairs: Iterable[tuple[str, str]]) -> str:
    """Python literal items of a dict, one a line."""
    return _lines(f"{_py(key)}: {_py(value)}" for key, value in pairs)


def _lines(lines: Iterable[str]) -> str:
    shown = list(lines)
    return "".join(f"\n    {line}," for line in shown) + ("\n" if shown else "")
