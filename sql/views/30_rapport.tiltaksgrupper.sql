-- grain: one row per periode × published row of table 3 "Tiltaksgrupper":
-- the total row "I alt", then one row per tiltaksgruppe in published order; Kvinner and Menn summed.
-- A tiltak counts in the group it belonged to that month; Endring compares with the counts
-- the month's report implies for the same month a year earlier.
create view rapport.tiltaksgrupper as
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
from published_rows
order by periode, radnr;

comment on view rapport.tiltaksgrupper is
    'Table 3 "Tiltaksgrupper": participants per tiltaksgruppe, change from the same month last year.';
comment on column rapport.tiltaksgrupper.periode is 'Month, as its first day.';
comment on column rapport.tiltaksgrupper.radnr is 'Row number in published order within the month.';
comment on column rapport.tiltaksgrupper.rad is 'Row label: "I alt" or the tiltaksgruppe.';
comment on column rapport.tiltaksgrupper.er_sum is 'True on the total row.';
comment on column rapport.tiltaksgrupper.antall is
    'Participants this month; NULL where the report hid the count.';
comment on column rapport.tiltaksgrupper.endring_antall is 'Participants this month minus the same month last year.';
comment on column rapport.tiltaksgrupper.endring_prosent is
    'Change in per cent of last year, rounded half away from zero; NULL when last year was 0 or unknown.';
