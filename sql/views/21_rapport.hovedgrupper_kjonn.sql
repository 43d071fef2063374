-- grain: one row per periode × kjønn × published row of table 2 "Hovedgrupper og kjønn":
-- the total row "I alt", then one row per hovedgruppe.
-- Endring compares with the same month a year earlier, whose counts the month's report implies.
create view rapport.hovedgrupper_kjonn as
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
    end as endring_prosent
from published_rows
order by periode, kjonn_rekkefolge, radnr;

comment on view rapport.hovedgrupper_kjonn is
    'Table 2 "Hovedgrupper og kjønn": participants per hovedgruppe and kjønn, change from last year.';
comment on column rapport.hovedgrupper_kjonn.periode is 'Month, as its first day.';
comment on column rapport.hovedgrupper_kjonn.kjonn is 'Kvinner or Menn.';
comment on column rapport.hovedgrupper_kjonn.radnr is 'Row number in published order within periode and kjønn.';
comment on column rapport.hovedgrupper_kjonn.rad is 'Row label: "I alt" or the hovedgruppe.';
comment on column rapport.hovedgrupper_kjonn.er_sum is 'True on the total row.';
comment on column rapport.hovedgrupper_kjonn.antall is
    'Participants this month; NULL where the report hid the count.';
comment on column rapport.hovedgrupper_kjonn.endring_antall is 'Participants this month minus the same month last year.';
comment on column rapport.hovedgrupper_kjonn.endring_prosent is
    'Change in per cent of last year, rounded half away from zero; NULL when last year was 0 or unknown.';
