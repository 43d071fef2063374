-- grain: one row per periode × kjønn × published row of table 4 "Tiltaksgrupper og kjønn":
-- the total row "I alt kvinner"/"I alt menn", then one row per tiltaksgruppe in published order.
-- A tiltak counts in the group it belonged to that month; Endring compares with the counts
-- the month's report implies for the same month a year earlier.
create view rapport.tiltaksgrupper_kjonn as
with category_rows as not materialized (
    -- This month's count and last year's (NULL when the report implies none) per category;
    -- a union rather than a full join, so that a filter on periode reaches both tables.
    select periode, kjonn_id, tiltaksgruppe_id, sum(antall) as antall, sum(fjor) as fjor
    from (
        select periode, kjonn_id, tiltaksgruppe_id, antall, null::integer as fjor
        from tiltak.celle
        union all
        select periode, kjonn_id, tiltaksgruppe_id, 0, antall
        from tiltak.fjorar_tiltaksgruppe
    ) as both_years
    group by periode, kjonn_id, tiltaksgruppe_id
),

published_rows as (
    select periode, kjonn_id, 0 as sortering, null::text as rad, true as er_sum,
        sum(antall) as antall, sum(fjor) as fjor
    from category_rows
    group by periode, kjonn_id
    union all
    select c.periode, c.kjonn_id, g.rekkefolge, g.navn, false, c.antall, c.fjor
    from category_rows as c
    join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = c.tiltaksgruppe_id
)

select
    p.periode,
    k.navn as kjonn,
    row_number() over (partition by p.periode, p.kjonn_id order by p.sortering)::integer as radnr,
    coalesce(p.rad, 'I alt ' || lower(k.navn)) as rad,
    p.er_sum,
    p.antall::integer as antall,
    (p.antall - p.fjor)::integer as endring_antall,
    case when p.fjor > 0
        then round(100 * (p.antall - p.fjor)::numeric / p.fjor)::integer
    end as endring_prosent
from published_rows as p
join tiltak.kjonn as k on k.kjonn_id = p.kjonn_id
order by p.periode, k.rekkefolge, radnr;

comment on view rapport.tiltaksgrupper_kjonn is
    'Table 4 "Tiltaksgrupper og kjønn": participants per tiltaksgruppe and kjønn, change from last year.';
comment on column rapport.tiltaksgrupper_kjonn.periode is 'Month, as its first day.';
comment on column rapport.tiltaksgrupper_kjonn.kjonn is 'Kvinner or Menn.';
comment on column rapport.tiltaksgrupper_kjonn.radnr is 'Row number in published order within periode and kjønn.';
comment on column rapport.tiltaksgrupper_kjonn.rad is 'Row label: "I alt kvinner", "I alt menn" or the tiltaksgruppe.';
comment on column rapport.tiltaksgrupper_kjonn.er_sum is 'True on the total row.';
comment on column rapport.tiltaksgrupper_kjonn.antall is 'Participants this month.';
comment on column rapport.tiltaksgrupper_kjonn.endring_antall is 'Participants this month minus the same month last year.';
comment on column rapport.tiltaksgrupper_kjonn.endring_prosent is
    'Change in per cent of last year, rounded half away from zero; NULL when last year was 0 or unknown.';
