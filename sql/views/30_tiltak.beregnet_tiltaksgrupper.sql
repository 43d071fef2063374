-- grain: one row per periode × published row of table 3 "Tiltaksgrupper":
-- the total row "I alt", then one row per tiltaksgruppe in published order; Kvinner and Menn summed.
-- A tiltak counts in the group it belonged to that month; Endring compares with the counts
-- the month's report implies for the same month a year earlier.
-- The rows rapport.tiltaksgrupper shows, computed from the stored counts (via tiltak.kube);
-- tiltak.lagret_tiltaksgrupper holds them, refreshed by every load and migration
-- (tiltak.precompute), so that rapport.tiltaksgrupper reads stored rows.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.beregnet_tiltaksgrupper as
with published_rows as (
    -- The total row exists where any tiltaksgruppe row does: a count this month or last year's.
    select
        periode,
        tiltaksgruppe_rekkefolge,
        coalesce(tiltaksgruppe, 'I alt') as rad,
        not per_tiltaksgruppe as er_sum,
        antall,
        fjor_tiltaksgruppe as fjor
    from tiltak.kube
    where not per_kjonn and not per_hovedgruppe and not per_tiltak
        and (har_antall or fjor_tiltaksgruppe is not null)
)

select
    periode,
    row_number() over (
        partition by periode order by tiltaksgruppe_rekkefolge nulls first
    )::integer as radnr,
    rad,
    er_sum,
    antall::integer as antall,
    (antall - fjor)::integer as endring_antall,
    case when fjor > 0
        then round(100 * (antall - fjor)::numeric / fjor)::integer
    end as endring_prosent
from published_rows;

comment on view tiltak.beregnet_tiltaksgrupper is
    'The rows of rapport.tiltaksgrupper, computed from the stored counts.';
