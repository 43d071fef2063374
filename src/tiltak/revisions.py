"""Revision files read without running them, and the database's own copy of applied ones.

Alembic learns a revision's id by importing its file, which runs it. Only migrating needs
that: every other command learns ids and parents from the `revision` and `down_revision`
literals of the parsed file, so a revision file runs only under `tiltak db upgrade` or
`downgrade`.

Revisions written by `tiltak categories plan` are the user's data, kept outside the
installation (a reinstall would delete them), and the database stores the source of every
revision applied to it in tiltak.revisjon: `tiltak categories restore` writes back those this
installation lacks, so that a new machine pointed at a shared server can go on.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from tiltak.database import Connection, data_dir
from tiltak.errors import MigrationError, SchemaError
from tiltak.resources import alembic_dir

VERSIONS_DIR_ENV = "TILTAK_VERSIONS_DIR"
# Ids this tool writes, and the only ones it restores: safe as a file name and in a docstring.
REVISION_ID = re.compile(r"[A-Za-z0-9_]{1,64}")
# The files alembic reads as revisions (alembic.script.base._only_source_rev_file).
_REVISION_FILE = re.compile(r"(?!\.#|__init__).*\.py")
STORE = "tiltak.revisjon"


@dataclass(frozen=True)
class RevisionFile:
    revision: str
    down_revisions: tuple[str, ...]
    path: Path
    shipped: bool  # part of the installation, as opposed to the user's versions directory


def shipped_versions_dir() -> Path:
    return alembic_dir() / "versions"


def user_versions_dir() -> Path:
    """Where `tiltak categories plan` writes: TILTAK_VERSIONS_DIR, else `versions` in the
    user data directory, beside the embedded server's data."""
    override = os.environ.get(VERSIONS_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return data_dir() / "versions"


def versions_dirs() -> list[Path]:
    """The installation's revisions, then the user's."""
    return [shipped_versions_dir(), user_versions_dir()]


def revision_files() -> dict[str, RevisionFile]:
    """Every revision of the installation and the user's directory, by id, read unexecuted."""
    found: dict[str, RevisionFile] = {}
    for directory in versions_dirs():
        if not directory.is_dir():
            continue
        shipped = directory == shipped_versions_dir()
        for path in sorted(directory.iterdir()):
            if not _REVISION_FILE.fullmatch(path.name):
                continue
            source = _read_source(path)
            parsed = parse_revision(source, path, shipped)
            other = found.get(parsed.revision)
            if other is not None and other.path != parsed.path:
                raise SchemaError(
                    f"{path}: revision {parsed.revision!r} is also in {other.path};"
                    " remove one of them"
                )
            found[parsed.revision] = parsed
    return found


def _read_source(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read revision file: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise SchemaError(f"{path}: revision file is not UTF-8 (byte {exc.start})") from exc


def parse_revision(source: str, path: Path, shipped: bool = False) -> RevisionFile:
    """The ids a revision's source declares; SchemaError naming the file if it cannot run."""
    try:
        tree = ast.parse(source, filename=str(path))
        # Compiling finds what parsing lets through (`return` outside a function, …).
        compile(tree, str(path), "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise SchemaError(
            f"{path}:{exc.lineno or 1}: revision file is not valid Python ({exc.msg});"
            " fix or remove it"
        ) from exc
    except ValueError as exc:  # NUL bytes, in Python 3.11
        raise SchemaError(f"{path}:1: revision file is not valid Python ({exc})") from exc
    revision = _assigned(tree, "revision", path)
    down = _assigned(tree, "down_revision", path)
    if not isinstance(revision, str):
        raise SchemaError(f'{path}: no `revision = "<id>"` line; is it a revision file?')
    if down is None:
        downs: tuple[str, ...] = ()
    elif isinstance(down, str):
        downs = (down,)
    elif isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
        downs = tuple(down)
    else:
        raise SchemaError(f"{path}: down_revision is neither an id nor a list of ids")
    return RevisionFile(revision, downs, path, shipped)


def top_level_assignments(tree: ast.Module) -> Iterator[tuple[str, ast.expr]]:
    """(name, value) of each `name = value` or `name: type = value` at the module's top."""
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                yield target.id, value


def _assigned(tree: ast.Module, name: str, path: Path) -> object:
    """The literal last assigned to `name` at the top of the module (None when never)."""
    values = [value for target, value in top_level_assignments(tree) if target == name]
    if not values:
        return None
    try:
        return ast.literal_eval(values[-1])
    except ValueError as exc:
        raise SchemaError(f"{path}:{values[-1].lineno}: {name} is not a literal") from exc


def head_of(files: Mapping[str, RevisionFile]) -> str:
    """The one revision no other revises."""
    for item in files.values():
        for down in item.down_revisions:
            if down not in files:
                raise SchemaError(
                    f"{item.path}: revision {item.revision!r} revises {down!r}, which no"
                    " revision file has: run `tiltak categories restore` or remove the file"
                )
    revised = {down for item in files.values() for down in item.down_revisions}
    heads = sorted(set(files) - revised)
    if len(heads) != 1:
        shown = ", ".join(repr(h) for h in heads)
        raise SchemaError(f"the revisions have {len(heads)} heads ({shown}); merge them first")
    return heads[0]


def lineage(files: Mapping[str, RevisionFile], revision: str) -> list[str]:
    """`revision` and every revision it rests on."""
    seen: list[str] = []
    pending = [revision]
    while pending:
        current = pending.pop()
        if current in seen or current not in files:
            continue
        seen.append(current)
        pending.extend(files[current].down_revisions)
    return seen


def require_known(
    connection: Connection, current: str | None, files: Mapping[str, RevisionFile]
) -> None:
    """Stop, saying what to do, when the database is at a revision no file here has."""
    if current is None or current in files:
        return
    if _stored_as_shipped(connection, current):
        raise SchemaError(
            f"database schema is at {current!r}, from a newer tiltak than this one:"
            " install that version"
        )
    raise SchemaError(
        f"database schema is at {current!r}, a revision this installation lacks:"
        " run `tiltak categories restore`"
    )


def has_store(connection: Connection) -> bool:
    found = connection.execute("select to_regclass(%(name)s)", {"name": STORE}).fetchone()
    return found is not None and found[0] is not None


def _stored_as_shipped(connection: Connection, revision: str) -> bool:
    if not has_store(connection):
        return False
    shipped = connection.execute(
        "select pakket from tiltak.revisjon where revisjon = %(revisjon)s",
        {"revisjon": revision},
    ).fetchone()
    return shipped is not None and bool(shipped.pakket)


def record_applied(
    connection: Connection, current: str | None, files: Mapping[str, RevisionFile]
) -> None:
    """Make tiltak.revisjon hold the source of each revision the database is at or rests on."""
    if not has_store(connection):
        return
    applied = lineage(files, current) if current else []
    connection.execute(
        "delete from tiltak.revisjon where revisjon <> all(%(applied)s::text[])",
        {"applied": applied},
    )
    for revision in applied:
        item = files[revision]
        connection.execute(
            "insert into tiltak.revisjon (revisjon, kilde, pakket)"
            " values (%(revisjon)s, %(kilde)s, %(pakket)s) on conflict (revisjon) do nothing",
            {"revisjon": revision, "kilde": _read_source(item.path), "pakket": item.shipped},
        )


@dataclass
class Restored:
    written: list[Path]
    newer_tiltak: list[str]  # shipped with a later tiltak: installing it brings them


def restore(connection: Connection, directory: Path) -> Restored:
    """Write to `directory` each revision the database stores and no file here has."""
    if not has_store(connection):
        raise SchemaError(
            "the database keeps no revision sources (its schema is older than revision 0004):"
            " nothing to restore"
        )
    files = revision_files()
    result = Restored([], [])
    rows = connection.execute(
        "select revisjon, kilde, pakket from tiltak.revisjon order by revisjon"
    )
    for revision, source, shipped in rows:
        if revision in files:
            continue
        if shipped:
            result.newer_tiltak.append(revision)
            continue
        result.written.append(_write_back(directory, revision, source))
    return result


def _write_back(directory: Path, revision: str, source: str) -> Path:
    if not REVISION_ID.fullmatch(revision):
        raise MigrationError(f"the database's revision {revision!r} is not an id tiltak writes")
    path = directory / f"{revision}.py"
    try:
        declared = parse_revision(source, path).revision
    except SchemaError as exc:
        raise MigrationError(f"the database's copy of revision {revision}: {exc}") from exc
    if declared != revision:
        raise MigrationError(
            f"the database's copy of revision {revision} declares revision {declared!r}"
        )
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as stream:  # never over a file of the user's
            stream.write(source)
    except FileExistsError as exc:
        raise MigrationError(f"{path}: exists and holds another revision; move it away") from exc
    except OSError as exc:
        raise MigrationError(f"{path}: cannot write: {exc.strerror}") from exc
    return path
