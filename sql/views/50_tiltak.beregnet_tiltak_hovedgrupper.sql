-- grain: one row per periode × published row of table 5 "Tiltak og hovedgrupper":
-- the total row "I alt", then per tiltaksgruppe its tiltak and its sum row "I alt <group>",
-- in published order; Kvinner and Menn summed. Only tiltak the month's report printed have rows.
-- The rows rapport.tiltak_hovedgrupper shows, computed from the stored counts (via tiltak.kube);
-- tiltak.lagret_tiltak_hovedgrupper holds them, refreshed by every load and migration
-- (tiltak.precompute), so that rapport.tiltak_hovedgrupper reads stored rows.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.beregnet_tiltak_hovedgrupper as
with published_rows as (
    -- The hovedgrupper side by side; only cells with a count this month, as the table prints
    -- only the tiltak the month's report has.
    select
        periode,
        per_tiltaksgruppe,
        per_tiltak,
        tiltaksgruppe_rekkefolge,
        tiltak_rekkefolge,
        case
            when per_tiltak then tiltak
            when per_tiltaksgruppe then 'I alt ' || lower(tiltaksgruppe)
            else 'I alt'
        end as rad,
        sum(antall) filter (where not per_hovedgruppe) as i_alt,
        sum(antall) filter (where hovedgruppe_kolonne = 'andre') as andre,
        sum(antall) filter (where hovedgruppe_kolonne = 'arbeidssokere')
            as arbeidssokere,
        sum(antall) filter (where hovedgruppe_kolonne = 'nedsatt_arbeidsevne')
            as nedsatt_arbeidsevne
    from tiltak.kube
    where not per_kjonn and har_antall
    group by
        periode, per_tiltaksgruppe, per_tiltak,
        tiltaksgruppe_id, tiltaksgruppe, tiltaksgruppe_rekkefolge, tiltak_id, tiltak, tiltak_rekkefolge
)

select
    periode,
    row_number() over (
        partition by periode
        order by per_tiltaksgruppe, tiltaksgruppe_rekkefolge, per_tiltak desc, tiltak_rekkefolge
    )::integer as radnr,
    rad,
    not per_tiltak as er_sum,
    i_alt::integer as i_alt,
    andre::integer as andre,
    arbeidssokere::integer as arbeidssokere,
    nedsatt_arbeidsevne::integer as nedsatt_arbeidsevne
from published_rows;

comment on view tiltak.beregnet_tiltak_hovedgrupper is
    'The rows of rapport.tiltak_hovedgrupper, computed from the stored counts.';
