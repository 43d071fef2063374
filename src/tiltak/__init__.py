"""Load NAV's monthly report *Deltakere i arbeidsrettede tiltak. Tiltak og kjønn. En måned*
into PostgreSQL and rebuild every published table by query."""

__version__ = "0.1.0"
