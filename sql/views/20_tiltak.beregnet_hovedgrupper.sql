-- grain: one row per periode × published row of table 1 "Hovedgrupper":
-- the total row "I alt", then one row per hovedgruppe; Kvinner and Menn summed.
-- Endring compares with the same month a year earlier, whose counts the month's report implies.
-- The rows rapport.hovedgrupper shows, computed from the stored counts (via tiltak.kube);
-- tiltak.lagret_hovedgrupper holds them, refreshed by every load and migration
-- (tiltak.precompute), so that rapport.hovedgrupper reads stored rows.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.beregnet_hovedgrupper as
with published_rows as (
    -- The total row exists where any hovedgruppe row does: a count this month or last year's.
    select
        periode,
        hovedgruppe_rekkefolge,
        coalesce(hovedgruppe, 'I alt') as rad,
        not per_hovedgruppe as er_sum,
        antall,
        fjor_hovedgruppe as fjor
    from tiltak.kube
    where not per_kjonn and not per_tiltaksgruppe
        and (har_antall or fjor_hovedgruppe is not null)
)

select
    periode,
    row_number() over (
        partition by periode order by hovedgruppe_rekkefolge nulls first
    )::integer as radnr,
    rad,
    er_sum,
    antall::integer as antall,
    (antall - fjor)::integer as endring_antall,
    case when fjor > 0
        then round(100 * (antall - fjor)::numeric / fjor)::integer
    end as endring_prosent
from published_rows;

comment on view tiltak.beregnet_hovedgrupper is
    'The rows of rapport.hovedgrupper, computed from the stored counts.';
