-- grain: one row per periode × kjønn × published row of table 2 "Hovedgrupper og kjønn":
-- the total row "I alt", then one row per hovedgruppe.
-- Endring compares with the same month a year earlier, whose counts the month's report implies.
-- The rows rapport.hovedgrupper_kjonn shows, computed from the stored counts (via tiltak.kube);
-- tiltak.lagret_hovedgrupper_kjonn holds them, refreshed by every load and migration
-- (tiltak.precompute), so that rapport.hovedgrupper_kjonn reads stored rows.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.beregnet_hovedgrupper_kjonn as
with published_rows as (
    -- The total row exists where any hovedgruppe row does: a count this month or last year's.
    select
        periode,
        kjonn,
        kjonn_rekkefolge,
        hovedgruppe_rekkefolge,
        coalesce(hovedgruppe, 'I alt') as rad,
        not per_hovedgruppe as er_sum,
        antall,
        fjor_hovedgruppe as fjor
    from tiltak.kube
    where per_kjonn and not per_tiltaksgruppe
        and (har_antall or fjor_hovedgruppe is not null)
)

select
    periode,
    kjonn,
    row_number() over (
        partition by periode, kjonn order by hovedgruppe_rekkefolge nulls first
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

comment on view tiltak.beregnet_hovedgrupper_kjonn is
    'The rows of rapport.hovedgrupper_kjonn, computed from the stored counts (with kjonn_rekkefolge for their order).';
