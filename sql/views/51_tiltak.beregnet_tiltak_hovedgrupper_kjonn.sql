-- grain: one row per periode × kjønn × published row of table 6 "Tiltak, hovedgrupper og kjønn":
-- the total row "I alt kvinner"/"I alt menn", then per tiltaksgruppe its tiltak and its sum row
-- "I alt <group>", in published order. Only tiltak the month's report printed have rows.
-- The rows rapport.tiltak_hovedgrupper_kjonn shows, computed from the stored counts (via tiltak.kube);
-- tiltak.lagret_tiltak_hovedgrupper_kjonn holds them, refreshed by every load and migration
-- (tiltak.precompute), so that rapport.tiltak_hovedgrupper_kjonn reads stored rows.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.beregnet_tiltak_hovedgrupper_kjonn as
with published_rows as (
    -- The hovedgrupper side by side; only cells with a count this month, as the table prints
    -- only the tiltak the month's report has.
    select
        periode,
        kjonn,
        kjonn_rekkefolge,
        per_tiltaksgruppe,
        per_tiltak,
        tiltaksgruppe_rekkefolge,
        tiltak_rekkefolge,
        case
            when per_tiltak then tiltak
            when per_tiltaksgruppe then 'I alt ' || lower(tiltaksgruppe)
            else 'I alt ' || lower(kjonn)
        end as rad,
        sum(antall) filter (where not per_hovedgruppe) as i_alt,
        sum(antall) filter (where hovedgruppe_kolonne = 'andre') as andre,
        sum(antall) filter (where hovedgruppe_kolonne = 'arbeidssokere')
            as arbeidssokere,
        sum(antall) filter (where hovedgruppe_kolonne = 'nedsatt_arbeidsevne')
            as nedsatt_arbeidsevne
    from tiltak.kube
    where per_kjonn and har_antall
    group by
        periode, kjonn_id, kjonn, kjonn_rekkefolge, per_tiltaksgruppe, per_tiltak,
        tiltaksgruppe_id, tiltaksgruppe, tiltaksgruppe_rekkefolge, tiltak_id, tiltak, tiltak_rekkefolge
)

select
    periode,
    kjonn,
    row_number() over (
        partition by periode, kjonn
        order by per_tiltaksgruppe, tiltaksgruppe_rekkefolge, per_tiltak desc, tiltak_rekkefolge
    )::integer as radnr,
    rad,
    not per_tiltak as er_sum,
    i_alt::integer as i_alt,
    andre::integer as andre,
    arbeidssokere::integer as arbeidssokere,
    nedsatt_arbeidsevne::integer as nedsatt_arbeidsevne,
    kjonn_rekkefolge
from published_rows;

comment on view tiltak.beregnet_tiltak_hovedgrupper_kjonn is
    'The rows of rapport.tiltak_hovedgrupper_kjonn, computed from the stored counts (with kjonn_rekkefolge for their order).';
