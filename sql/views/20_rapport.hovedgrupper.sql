-- grain: one row per periode × published row of table 1 "Hovedgrupper":
-- the total row "I alt", then one row per hovedgruppe; Kvinner and Menn summed.
-- Endring compares with the same month a year earlier, whose counts the month's report implies.
create view rapport.hovedgrupper as
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
from published_rows
order by periode, radnr;

comment on view rapport.hovedgrupper is
    'Table 1 "Hovedgrupper": participants per hovedgruppe, change from the same month last year.';
comment on column rapport.hovedgrupper.periode is 'Month, as its first day.';
comment on column rapport.hovedgrupper.radnr is 'Row number in published order within the month.';
comment on column rapport.hovedgrupper.rad is 'Row label: "I alt" or the hovedgruppe.';
comment on column rapport.hovedgrupper.er_sum is 'True on the total row.';
comment on column rapport.hovedgrupper.antall is
    'Participants this month; NULL where the report hid the count.';
comment on column rapport.hovedgrupper.endring_antall is 'Participants this month minus the same month last year.';
comment on column rapport.hovedgrupper.endring_prosent is
    'Change in per cent of last year, rounded half away from zero; NULL when last year was 0 or unknown.';
