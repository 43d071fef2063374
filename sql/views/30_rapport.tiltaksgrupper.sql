-- grain: one row per periode × published row of table 3 "Tiltaksgrupper":
-- the total row "I alt", then one row per tiltaksgruppe in published order; Kvinner and Menn summed.
-- A tiltak counts in the group it belonged to that month; Endring compares with the counts
-- the month's report implies for the same month a year earlier.
create view rapport.tiltaksgrupper as
with category_rows as not materialized (
    -- This month's count and last year's (NULL when the report implies none) per category;
    -- a union rather than a full join, so that a filter on periode reaches both tables.
    select periode, tiltaksgruppe_id, sum(antall) as antall, sum(fjor) as fjor
    from (
        select periode, tiltaksgruppe_id, antall, null::integer as fjor
        from tiltak.celle
        union all
        select periode, tiltaksgruppe_id, 0, antall
        from tiltak.fjorar_tiltaksgruppe
    ) as both_years
    group by periode, tiltaksgruppe_id
),

published_rows as (
    select periode, 0 as sortering, 'I alt' as rad, true as er_sum,
        sum(antall) as antall, sum(fjor) as fjor
    from category_rows
    group by periode
    union all
    select c.periode, g.rekkefolge, g.navn, false, c.antall, c.fjor
    from category_rows as c
    join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = c.tiltaksgruppe_id
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

comment on view rapport.tiltaksgrupper is
    'Table 3 "Tiltaksgrupper": participants per tiltaksgruppe, change from the same month last year.';
comment on column rapport.tiltaksgrupper.periode is 'Month, as its first day.';
comment on column rapport.tiltaksgrupper.radnr is 'Row number in published order within the month.';
comment on column rapport.tiltaksgrupper.rad is 'Row label: "I alt" or the tiltaksgruppe.';
comment on column rapport.tiltaksgrupper.er_sum is 'True on the total row.';
comment on column rapport.tiltaksgrupper.antall is 'Participants this month.';
comment on column rapport.tiltaksgrupper.endring_antall is 'Participants this month minus the same month last year.';
comment on column rapport.tiltaksgrupper.endring_prosent is
    'Change in per cent of last year, rounded half away from zero; NULL when last year was 0 or unknown.';
