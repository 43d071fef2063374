-- grain: one row per periode × kjønn × published row of table 2 "Hovedgrupper og kjønn":
-- the total row "I alt", then one row per hovedgruppe.
-- Endring compares with the same month a year earlier, whose counts the month's report implies.
create view rapport.hovedgrupper_kjonn as
with category_rows as not materialized (
    -- This month's count and last year's (NULL when the report implies none) per category;
    -- a union rather than a full join, so that a filter on periode reaches both tables.
    select periode, kjonn_id, hovedgruppe_id, sum(antall) as antall, sum(fjor) as fjor
    from (
        select periode, kjonn_id, hovedgruppe_id, antall, null::integer as fjor
        from tiltak.antall
        union all
        select periode, kjonn_id, hovedgruppe_id, 0, antall
        from tiltak.fjorar_hovedgruppe
    ) as both_years
    group by periode, kjonn_id, hovedgruppe_id
),

published_rows as (
    select periode, kjonn_id, 0 as sortering, 'I alt' as rad, true as er_sum,
        sum(antall) as antall, sum(fjor) as fjor
    from category_rows
    group by periode, kjonn_id
    union all
    select c.periode, c.kjonn_id, h.rekkefolge, h.navn, false, c.antall, c.fjor
    from category_rows as c
    join tiltak.hovedgruppe as h on h.hovedgruppe_id = c.hovedgruppe_id
)

select
    p.periode,
    k.navn as kjonn,
    row_number() over (partition by p.periode, p.kjonn_id order by p.sortering)::integer as radnr,
    p.rad,
    p.er_sum,
    p.antall::integer as antall,
    (p.antall - p.fjor)::integer as endring_antall,
    case when p.fjor > 0
        then round(100 * (p.antall - p.fjor)::numeric / p.fjor)::integer
    end as endring_prosent
from published_rows as p
join tiltak.kjonn as k on k.kjonn_id = p.kjonn_id
order by p.periode, k.rekkefolge, radnr;

comment on view rapport.hovedgrupper_kjonn is
    'Table 2 "Hovedgrupper og kjønn": participants per hovedgruppe and kjønn, change from last year.';
comment on column rapport.hovedgrupper_kjonn.periode is 'Month, as its first day.';
comment on column rapport.hovedgrupper_kjonn.kjonn is 'Kvinner or Menn.';
comment on column rapport.hovedgrupper_kjonn.radnr is 'Row number in published order within periode and kjønn.';
comment on column rapport.hovedgrupper_kjonn.rad is 'Row label: "I alt" or the hovedgruppe.';
comment on column rapport.hovedgrupper_kjonn.er_sum is 'True on the total row.';
comment on column rapport.hovedgrupper_kjonn.antall is 'Participants this month.';
comment on column rapport.hovedgrupper_kjonn.endring_antall is 'Participants this month minus the same month last year.';
comment on column rapport.hovedgrupper_kjonn.endring_prosent is
    'Change in per cent of last year, rounded half away from zero; NULL when last year was 0 or unknown.';
