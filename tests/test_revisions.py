"""Revision files as code and as data: report text never becomes code in a planned revision,
commands that only read run no revision, and a lost revision comes back from the database."""

from __future__ import annotations

import ast
import importlib.util
import io
import tokenize
from pathlib import Path

import psycopg
import pytest

from conftest import EXAMPLE, ROOT, Cli, table_checksums
from published import mismatches, read_publication
from synthetic import versions_dir

__all__ = ["versions_dir"]  # a fixture

REPO_VERSIONS = ROOT / "alembic" / "versions"
MARKER = "pwned"  # created in the working directory by any payload that runs

# Labels a report may print, each of which ends a string, a docstring or a line of Python
# source, or means something to str.format, %-formatting, string.Template or SQL.
LABEL_PAYLOADS = (
    'Evil""" if __import__("os").system("touch pwned") else """x',
    "Evil''' if __import__('os').system('touch pwned') else '''x",
    "Slutt med skråstrek \\",
    'Skjult\u2028linje""" + open("pwned", "w").name + """',
    "Neste\x85linje''' + open('pwned', 'w').name + '''",
    "{revision} {0} {{}} $month ${absent} {open('pwned', 'w')}",
    "%s %(navn)s %% %d",
    "\\N{BULLET} \\u0041 \\x00 \\\\ \\",
    "'); drop table tiltak.antall; -- \" ; select pg_sleep(10)",
    'Tiltak # kommentar """\\',
)
FILE_NAME_PAYLOADS = (
    'april """ if __import__("os").system("touch pwned") else """.txt',
    "april ''' if __import__('os').system('touch pwned') else '''.txt",
    'april """.txt',
    "april \\",
    'april\u2028""" + open("pwned", "w").name + """.txt',
    "april\x85''' + open('pwned', 'w').name + '''.txt",
    "{revision} {0} {{}}.txt",
    "%s %(navn)s $month ${summary}.txt",
    "\\N{BULLET} \\u0041.txt",
    "'); drop table tiltak.antall; --.txt",
)


def _tiltak_names() -> list[str]:
    """The tiltak table 5 of the shipped report prints, in order (its sums left out)."""
    rows = read_publication(EXAMPLE).blocks[5, None].rows
    return [label for label, _cells in rows if not label.startswith("I alt")]


def _renamed_report(path: Path, renamed: dict[str, str]) -> Path:
    """The shipped report with some tiltak printed under other labels in tables 5 and 6
    (tables 3 and 4 print tiltaksgrupper, one of which has a tiltak's name)."""
    lines = EXAMPLE.read_text(encoding="utf-8").split("\n")
    in_tiltak_table = False
    for number, line in enumerate(lines):
        if line.startswith("## "):
            in_tiltak_table = line.startswith(("## Tiltak og", "## Tiltak,"))
        label, tab, rest = line.partition("\t")
        if in_tiltak_table and tab and label in renamed:
            lines[number] = f"{renamed[label]}\t{rest}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _plan(cli: Cli, report: Path) -> Path:
    planned = cli.tiltak("categories", "plan", str(report))
    assert planned.exit_code == 0, planned.output
    return Path(planned.stdout.strip())


def _ok(cli: Cli, *args: str) -> str:
    result = cli.tiltak(*args)
    assert result.exit_code == 0, (args, result.output)
    return str(result.stdout)


def _constants(revision: Path) -> dict[str, object]:
    """The revision's top-level constants that are plain literals, read without running it."""
    found: dict[str, object] = {}
    for node in ast.parse(revision.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
            target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
            try:
                found[getattr(target, "id", "")] = ast.literal_eval(node.value)
            except ValueError:
                continue  # date(…), calls: not data this test looks at
    return found


def _assert_inert(revision: Path, untrusted: list[str], workdir: Path) -> None:
    """The revision compiles, importing it runs nothing, and its docstring and comments
    hold none of the untrusted text."""
    source = revision.read_text(encoding="utf-8")
    tree = ast.parse(source)
    compile(tree, str(revision), "exec")
    prose = [ast.get_docstring(tree) or ""]
    prose += [
        token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for text in untrusted:
        assert not any(text in part for part in prose), text
    spec = importlib.util.spec_from_file_location(f"planned_{revision.stem}", revision)
    assert spec is not None and spec.loader is not None
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
    assert not (workdir / MARKER).exists()


def test_labels_holding_code_stay_data_in_every_revision_and_in_the_database(
    cli: Cli, db_url: str, tmp_path: Path, versions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    names = _tiltak_names()
    # Every other tiltak: neighbours in published order leave room for each new one.
    renamed = dict(zip(names[0::2], LABEL_PAYLOADS, strict=False))
    assert len(renamed) == len(LABEL_PAYLOADS)
    with_payloads = _renamed_report(tmp_path / "med-koder.txt", renamed)

    first = _plan(cli, with_payloads)
    _assert_inert(first, list(LABEL_PAYLOADS), tmp_path)
    new_tiltak = _constants(first)["NEW_TILTAK"]
    assert isinstance(new_tiltak, list)
    assert sorted(name for name, _order, _group in new_tiltak) == sorted(LABEL_PAYLOADS)
    _ok(cli, "db", "upgrade")
    loaded = cli.load_report(with_payloads)
    assert loaded.exit_code == 0, loaded.output
    with psycopg.connect(db_url) as conn:
        stored = conn.execute(
            "select navn from tiltak.tiltak where navn = any(%s)", (list(LABEL_PAYLOADS),)
        ).fetchall()
    assert sorted(name for (name,) in stored) == sorted(LABEL_PAYLOADS)
    assert mismatches(db_url, read_publication(with_payloads)) == []
    rendered = _ok(cli, "render", "--period", "2014-03", "--table", "5")
    assert all(f"{label}\t" in rendered for label in LABEL_PAYLOADS)

    # A later plan lists the stored labels among the tiltak its report does not print.
    without = _renamed_report(tmp_path / "uten.txt", {names[1]: "Nytt tiltak"})
    second = _plan(cli, without)
    _assert_inert(second, list(LABEL_PAYLOADS), tmp_path)
    absent = _constants(second)["ABSENT"]
    assert isinstance(absent, list) and set(LABEL_PAYLOADS) <= set(absent)
    _ok(cli, "db", "upgrade")
    for args in (["periods"], ["verify"], ["export"], ["db", "status"]):
        _ok(cli, *args)
    loaded = cli.load_report(without)
    assert loaded.exit_code == 0, loaded.output
    assert mismatches(db_url, read_publication(without)) == []
    assert not (tmp_path / MARKER).exists()


@pytest.mark.parametrize("name", FILE_NAME_PAYLOADS)
def test_a_report_file_name_holding_code_stays_data(
    cli: Cli, name: str, tmp_path: Path, versions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reports").mkdir()
    report = _renamed_report(tmp_path / "reports" / name, {_tiltak_names()[3]: "Nytt tiltak"})
    revision = _plan(cli, report)
    _assert_inert(revision, [name], tmp_path)
    assert _constants(revision)["REPORT"] == name
    _ok(cli, "db", "upgrade")
    assert cli.load_report(report).exit_code == 0
    _ok(cli, "periods")
    assert not (tmp_path / MARKER).exists()


def test_commands_that_only_read_run_no_revision_file(
    cli: Cli, tmp_path: Path, versions_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    report = _renamed_report(tmp_path / "ny.txt", {_tiltak_names()[3]: "Nytt tiltak"})
    revision = _plan(cli, report)
    _ok(cli, "db", "upgrade")
    assert cli.load_report(report).exit_code == 0
    with revision.open("a", encoding="utf-8") as stream:
        stream.write(f"\nopen({MARKER!r}, 'w').close()\n")
    reading = (
        ["render", "--period", "2014-03"],
        ["verify"],
        ["periods"],
        ["export"],
        ["db", "status"],
        ["db", "url"],
    )
    for args in reading:
        _ok(cli, *args)
        assert not (tmp_path / MARKER).exists(), args
    # Migrating does run revision files: the line above is live code.
    _ok(cli, "db", "upgrade")
    assert (tmp_path / MARKER).exists()


def _one_error_line(result: object) -> str:
    assert getattr(result, "exit_code", None) == 1
    stderr = str(getattr(result, "stderr", ""))
    assert stderr.startswith("Error: ") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in str(getattr(result, "output", ""))
    return stderr


def test_a_revision_file_that_cannot_run_is_one_error_line_naming_it(
    cli: Cli, db_url: str, versions_dir: Path
) -> None:
    head = _ok(cli, "db", "status").split("schema at ")[1].split(",")[0]
    versions_dir.mkdir()
    before = table_checksums(db_url)
    broken = versions_dir / "broken.py"
    broken.write_text(
        f'revision = "broken"\ndown_revision = {head!r}\n"""a docstring left open\n',
        encoding="utf-8",
    )
    for args in (["periods"], ["db", "status"], ["db", "upgrade"], ["render", "-p", "2014-03"]):
        stderr = _one_error_line(cli.tiltak(*args))
        assert stderr.startswith(f"Error: {broken}:3: revision file is not valid Python"), args
    assert _one_error_line(cli.load_report(EXAMPLE)).startswith(f"Error: {broken}:3: ")
    broken.unlink()

    raising = versions_dir / "raising.py"
    raising.write_text(
        f'revision = "raising"\ndown_revision = {head!r}\nraise RuntimeError("not today")\n',
        encoding="utf-8",
    )
    stderr = _one_error_line(cli.tiltak("db", "upgrade"))
    assert stderr.startswith(f"Error: {raising}:3: revision file fails on import (RuntimeError")
    assert table_checksums(db_url) == before


def test_plan_writes_into_the_user_data_directory_by_default(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TILTAK_VERSIONS_DIR", raising=False)
    monkeypatch.setenv("TILTAK_DATA_DIR", str(tmp_path / "data"))
    shipped = set(REPO_VERSIONS.glob("*.py"))
    report = _renamed_report(tmp_path / "ny.txt", {_tiltak_names()[3]: "Nytt tiltak"})
    try:
        planned = cli.tiltak("categories", "plan", str(report))
        assert planned.exit_code == 0, planned.output
        revision = Path(planned.stdout.strip())
        assert revision.parent == tmp_path / "data" / "versions" and revision.is_file()
        assert set(REPO_VERSIONS.glob("*.py")) == shipped
        _ok(cli, "db", "upgrade")
        assert "(up to date)" in _ok(cli, "db", "status")
    finally:  # where the revision went before: into the installation
        for stray in set(REPO_VERSIONS.glob("*.py")) - shipped:
            stray.unlink()


def _stored(url: str) -> dict[str, tuple[str, bool]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("select revisjon, kilde, pakket from tiltak.revisjon").fetchall()
    return {revision: (source, shipped) for revision, source, shipped in rows}


def test_a_lost_revision_is_restored_from_the_database(
    cli: Cli, db_url: str, tmp_path: Path, versions_dir: Path
) -> None:
    report = _renamed_report(tmp_path / "ny.txt", {_tiltak_names()[3]: "Nytt tiltak"})
    revision = _plan(cli, report)
    source = revision.read_text(encoding="utf-8")
    _ok(cli, "db", "upgrade")
    stored = _stored(db_url)
    assert stored[revision.stem] == (source, False)
    for path in REPO_VERSIONS.glob("0*.py"):  # the shipped ones, marked as such
        assert stored[path.stem.split("_")[0]] == (path.read_text(encoding="utf-8"), True)

    revision.unlink()  # a reinstall, or a new machine pointed at the same server
    before = table_checksums(db_url)
    for args in (["periods"], ["db", "status"], ["db", "upgrade"], ["render", "-p", "2014-03"]):
        stderr = _one_error_line(cli.tiltak(*args))
        assert revision.stem in stderr and "run `tiltak categories restore`" in stderr, args
    assert table_checksums(db_url) == before

    restored = _ok(cli, "categories", "restore")
    assert str(revision) in restored
    assert revision.read_text(encoding="utf-8") == source
    assert "(up to date)" in _ok(cli, "db", "status")
    assert "nothing written" in _ok(cli, "categories", "restore")

    # The store follows the schema: a reverted revision is forgotten, a reapplied one kept.
    _ok(cli, "db", "downgrade", "--", "-1")
    assert revision.stem not in _stored(db_url)
    _ok(cli, "db", "upgrade")
    assert _stored(db_url)[revision.stem] == (source, False)
    loaded = cli.load_report(report)
    assert loaded.exit_code == 0, loaded.output
    _ok(cli, "verify")


def test_restore_writes_only_plain_revisions_and_never_over_a_file(
    cli: Cli, db_url: str, versions_dir: Path
) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute(
            "insert into tiltak.revisjon values (%s, %s, false)",
            ("../../escaped", 'revision = "../../escaped"\n'),
        )
    assert "is not an id tiltak writes" in _one_error_line(cli.tiltak("categories", "restore"))
    with psycopg.connect(db_url) as conn:
        conn.execute("delete from tiltak.revisjon where not pakket")
        conn.execute(
            "insert into tiltak.revisjon values (%s, %s, false)",
            ("kategorier_x", 'revision = "0001"\n'),
        )
    assert "declares revision '0001'" in _one_error_line(cli.tiltak("categories", "restore"))
    assert not versions_dir.exists()


def test_a_database_migrated_by_a_newer_tiltak_says_so(cli: Cli, db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        conn.execute("insert into tiltak.revisjon values ('9999', 'revision = \"9999\"', true)")
        conn.execute("update alembic_version set version_num = '9999'")
    for args in (["periods"], ["db", "status"], ["db", "upgrade"]):
        assert "from a newer tiltak" in _one_error_line(cli.tiltak(*args))
    assert "9999 come with a newer tiltak" in _ok(cli, "categories", "restore")
