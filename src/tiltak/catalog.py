"""The category hierarchy as the database holds it, for one month."""

from __future__ import annotations

from datetime import date

from tiltak.database import Connection
from tiltak.model import Catalog, normalize_label

Ids = dict[tuple[str, str], int]  # (kind, canonical name) -> id; kinds as the table names


def load_catalog(connection: Connection, periode: date) -> tuple[Catalog, Ids]:
    """The hierarchy valid in `periode`, every alias ever known, and the ids behind the names."""

    def rows(sql: str) -> list[tuple[object, ...]]:
        return [tuple(r) for r in connection.execute(sql, {"periode": periode})]

    ids: Ids = {}
    for kind in ("kjonn", "hovedgruppe", "tiltaksgruppe", "tiltak"):
        ids.update(((kind, str(n)), int(str(i))) for n, i in _id_rows(connection, kind))
    hovedgrupper = rows("select navn from tiltak.hovedgruppe order by rekkefolge")
    groups = rows("select navn from tiltak.tiltaksgruppe order by rekkefolge")
    tiltak = rows(
        """
        select t.navn, g.navn
        from tiltak.tiltak as t
        join tiltak.tiltak_medlemskap as m on m.tiltak_id = t.tiltak_id
        join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = m.tiltaksgruppe_id
        where m.gyldig_fra <= %(periode)s
          and (m.gyldig_til is null or %(periode)s < m.gyldig_til)
        order by t.rekkefolge
        """
    )
    tiltak_aliases = rows(
        "select a.alias, t.navn from tiltak.tiltak_alias as a"
        " join tiltak.tiltak as t using (tiltak_id)"
    )
    group_aliases = rows(
        "select a.alias, g.navn from tiltak.tiltaksgruppe_alias as a"
        " join tiltak.tiltaksgruppe as g using (tiltaksgruppe_id)"
    )
    catalog = Catalog(
        periode=periode,
        hovedgrupper=tuple(str(r[0]) for r in hovedgrupper),
        tiltaksgrupper=tuple(str(r[0]) for r in groups),
        tiltak=tuple((str(t), str(g)) for t, g in tiltak),
        hovedgruppe_aliases={normalize_label(str(r[0])): str(r[0]) for r in hovedgrupper},
        tiltaksgruppe_aliases={str(a): str(n) for a, n in group_aliases},
        tiltak_aliases={str(a): str(n) for a, n in tiltak_aliases},
    )
    return catalog, ids


def _id_rows(connection: Connection, kind: str) -> list[tuple[object, object]]:
    queries = {
        "kjonn": "select navn, kjonn_id from tiltak.kjonn",
        "hovedgruppe": "select navn, hovedgruppe_id from tiltak.hovedgruppe",
        "tiltaksgruppe": "select navn, tiltaksgruppe_id from tiltak.tiltaksgruppe",
        "tiltak": "select navn, tiltak_id from tiltak.tiltak",
    }
    return [(r[0], r[1]) for r in connection.execute(queries[kind])]
