-- grain: one row per periode × kjønn × hovedgruppe × tiltak: the finest published cell.
-- For BI tools: every figure of the six tables is a sum over these rows, except a sum over a
-- hidden count (antall NULL, prikket true), which the report printed itself.
-- The rows rapport.deltakere shows, computed from the stored counts (via tiltak.kube);
-- tiltak.lagret_deltakere holds them, refreshed by every load and migration
-- (tiltak.precompute), so that rapport.deltakere reads stored rows.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.beregnet_deltakere as
select
    periode,
    kjonn,
    hovedgruppe,
    tiltaksgruppe,
    tiltak,
    antall::integer as antall,
    antall is null as prikket
from tiltak.kube
where er_lagret;

comment on view tiltak.beregnet_deltakere is
    'The rows of rapport.deltakere, computed from the stored counts.';
