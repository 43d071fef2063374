-- grain: one row per periode × published row of table 1 "Hovedgrupper":
-- the total row "I alt", then one row per hovedgruppe; Kvinner and Menn summed.
-- Endring compares with the same month a year earlier, whose counts the month's report implies.
create view rapport.hovedgrupper as
with category_rows as not materialized (
    -- This month's count and last year's (NULL when the report implies none) per category;
    -- a union rather than a full join, so that a filter on periode reaches both tables.
    select periode, hovedgruppe_id, sum(antall) as antall, sum(fjor) as fjor
    from (
        select periode, hovedgruppe_id, antall, null::integer as fjor
        from tiltak.antall
        union all
        select periode, hovedgruppe_id, 0, antall
        from tiltak.fjorar_hovedgruppe
    ) as both_years
    group by periode, hovedgruppe_id
),

published_rows as (
    select periode, 0 as sortering, 'I alt' as rad, true as er_sum,
        sum(antall) as antall, sum(fjor) as fjor
    from category_rows
    group by periode
    union all
    select c.periode, h.rekkefolge, h.navn, false, c.antall, c.fjor
    from category_rows as c
    join tiltak.hovedgruppe as h on h.hovedgruppe_id = c.hovedgruppe_id
)

select
    periode,
    row_number() over (partition by periode order by sortering)::integer as radnr,
    rad,
    er_sum,
    antall::integer as antall,
    (antall - fjor)::integer as endring_antall,
    case when fjor > 0
        then round(100 * (antall - fjor)::numeric / fjor)::integer
    end as endring_prosent
from published_rows
order by periode, radnr;

comment on view rapport.hovedgrupper is
    'Table 1 "Hovedgrupper": participants per hovedgruppe, change from the same month last year.';
comment on column rapport.hovedgrupper.periode is 'Month, as its first day.';
comment on column rapport.hovedgrupper.radnr is 'Row number in published order within the month.';
comment on column rapport.hovedgrupper.rad is 'Row label: "I alt" or the hovedgruppe.';
comment on column rapport.hovedgrupper.er_sum is 'True on the total row.';
comment on column rapport.hovedgrupper.antall is 'Participants this month.';
comment on column rapport.hovedgrupper.endring_antall is 'Participants this month minus the same month last year.';
comment on column rapport.hovedgrupper.endring_prosent is
    'Change in per cent of last year, rounded half away from zero; NULL when last year was 0 or unknown.';
