-- grain: one row per periode × published row of table 5 "Tiltak og hovedgrupper":
-- the total row "I alt", then per tiltaksgruppe its tiltak and its sum row "I alt <group>",
-- in published order; Kvinner and Menn summed. Only tiltak the month's report printed have rows.
create view rapport.tiltak_hovedgrupper as
with tiltak_rows as not materialized (
    select
        periode,
        tiltaksgruppe_id,
        tiltak_id,
        sum(antall) as i_alt,
        coalesce(sum(antall) filter (where hovedgruppe_kolonne = 'andre'), 0) as andre,
        coalesce(sum(antall) filter (where hovedgruppe_kolonne = 'arbeidssokere'), 0)
            as arbeidssokere,
        coalesce(sum(antall) filter (where hovedgruppe_kolonne = 'nedsatt_arbeidsevne'), 0)
            as nedsatt_arbeidsevne
    from tiltak.celle
    group by periode, tiltaksgruppe_id, tiltak_id
),

sums as (
    -- nivaa 0: a tiltak row, 1: a group's sum row, 3: the grand total row. Separate
    -- aggregates rather than GROUPING SETS, so that a filter on periode reaches the tables.
    select periode, tiltaksgruppe_id, tiltak_id, 0 as nivaa,
        i_alt, andre, arbeidssokere, nedsatt_arbeidsevne
    from tiltak_rows
    union all
    select periode, tiltaksgruppe_id, null, 1,
        sum(i_alt), sum(andre), sum(arbeidssokere), sum(nedsatt_arbeidsevne)
    from tiltak_rows
    group by periode, tiltaksgruppe_id
    union all
    select periode, null, null, 3,
        sum(i_alt), sum(andre), sum(arbeidssokere), sum(nedsatt_arbeidsevne)
    from tiltak_rows
    group by periode
),

labelled as (
    select
        s.*,
        case s.nivaa
            when 0 then t.navn
            when 1 then 'I alt ' || lower(g.navn)
            else 'I alt'
        end as rad,
        g.rekkefolge as gruppe_rekkefolge,
        t.rekkefolge as tiltak_rekkefolge
    from sums as s
    left join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = s.tiltaksgruppe_id
    left join tiltak.tiltak as t on t.tiltak_id = s.tiltak_id
)

select
    periode,
    row_number() over (
        partition by periode
        order by nivaa <> 3, gruppe_rekkefolge, nivaa, tiltak_rekkefolge
    )::integer as radnr,
    rad,
    nivaa > 0 as er_sum,
    i_alt::integer as i_alt,
    andre::integer as andre,
    arbeidssokere::integer as arbeidssokere,
    nedsatt_arbeidsevne::integer as nedsatt_arbeidsevne
from labelled
order by periode, radnr;

comment on view rapport.tiltak_hovedgrupper is
    'Table 5 "Tiltak og hovedgrupper": participants per tiltak and hovedgruppe.';
comment on column rapport.tiltak_hovedgrupper.periode is 'Month, as its first day.';
comment on column rapport.tiltak_hovedgrupper.radnr is 'Row number in published order within the month.';
comment on column rapport.tiltak_hovedgrupper.rad is
    'Row label: the tiltak, "I alt <tiltaksgruppe>" for a group sum, "I alt" for the total.';
comment on column rapport.tiltak_hovedgrupper.er_sum is 'True on group sum rows and the total row.';
comment on column rapport.tiltak_hovedgrupper.i_alt is 'Participants in all hovedgrupper.';
comment on column rapport.tiltak_hovedgrupper.andre is 'Participants in hovedgruppe "Andre på tiltak".';
comment on column rapport.tiltak_hovedgrupper.arbeidssokere is 'Participants in hovedgruppe "Arbeidssøkere på tiltak".';
comment on column rapport.tiltak_hovedgrupper.nedsatt_arbeidsevne is
    'Participants in hovedgruppe "Nedsatt arbeidsevne, på tiltak".';
