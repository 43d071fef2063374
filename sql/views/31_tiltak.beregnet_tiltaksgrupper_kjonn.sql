-- grain: one row per periode × kjønn × published row of table 4 "Tiltaksgrupper og kjønn":
-- the total row "I alt kvinner"/"I alt menn", then one row per tiltaksgruppe in published order.
-- A tiltak counts in the group it belonged to that month; Endring compares with the counts
-- the month's report implies for the same month a year earlier.
-- The rows rapport.tiltaksgrupper_kjonn shows, computed from the stored counts (via tiltak.kube);
-- tiltak.lagret_tiltaksgrupper_kjonn holds them, refreshed by every load and migration
-- (tiltak.precompute), so that rapport.tiltaksgrupper_kjonn reads stored rows.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.beregnet_tiltaksgrupper_kjonn as
with published_rows as (
    -- The total row exists where any tiltaksgruppe row does: a count this month or last year's.
    select
        periode,
        kjonn,
        kjonn_rekkefolge,
        tiltaksgruppe_rekkefolge,
        coalesce(tiltaksgruppe, 'I alt ' || lower(kjonn)) as rad,
        not per_tiltaksgruppe as er_sum,
        antall,
        fjor_tiltaksgruppe as fjor
    from tiltak.kube
    where per_kjonn and not per_hovedgruppe and not per_tiltak
        and (har_antall or fjor_tiltaksgruppe is not null)
)

select
    periode,
    kjonn,
    row_number() over (
        partition by periode, kjonn order by tiltaksgruppe_rekkefolge nulls first
    )::integer as radnr,
    rad,
    er_sum,
    antall::integer as antall,
    (antall - fjor)::integer as endring_antall,
    case when fjor > 0
        then round(100 * (antall - fjor)::numeric / fjor)::integer
    end as endring_prosent,
    kjonn_rekkefolge
from published_rows;

comment on view tiltak.beregnet_tiltaksgrupper_kjonn is
    'The rows of rapport.tiltaksgrupper_kjonn, computed from the stored counts (with kjonn_rekkefolge for their order).';
