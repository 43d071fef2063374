-- grain: one row per periode × kjønn × published row of table 4 "Tiltaksgrupper og kjønn":
-- the total row "I alt kvinner"/"I alt menn", then one row per tiltaksgruppe in published order.
-- A tiltak counts in the group it belonged to that month; Endring compares with the counts
-- the month's report implies for the same month a year earlier.
create view rapport.tiltaksgrupper_kjonn as
with published_rows as (
    -- The total row exists where any tiltaksgruppe row does: a count this month or last year's.
    select
        periode,
        kjonn,
        kjonn_rekkefolge,
        tiltaksgruppe_rekkefolge,
        coalesce(tiltaksgruppe, 'I alt ' || lower(kjonn)) as rad,
        not per_tiltaksgruppe as er_sum,
        antall,
        fjor_tiltaksgruppe as fjor
    from tiltak.kube
    where per_kjonn and not per_hovedgruppe and not per_tiltak
        and (har_antall or fjor_tiltaksgruppe is not null)
)

select
    periode,
    kjonn,
    row_number() over (
        partition by periode, kjonn order by tiltaksgruppe_rekkefolge nulls first
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

comment on view rapport.tiltaksgrupper_kjonn is
    'Table 4 "Tiltaksgrupper og kjønn": participants per tiltaksgruppe and kjønn, change from last year.';
comment on column rapport.tiltaksgrupper_kjonn.periode is 'Month, as its first day.';
comment on column rapport.tiltaksgrupper_kjonn.kjonn is 'Kvinner or Menn.';
comment on column rapport.tiltaksgrupper_kjonn.radnr is 'Row number in published order within periode and kjønn.';
comment on column rapport.tiltaksgrupper_kjonn.rad is 'Row label: "I alt kvinner", "I alt menn" or the tiltaksgruppe.';
comment on column rapport.tiltaksgrupper_kjonn.er_sum is 'True on the total row.';
comment on column rapport.tiltaksgrupper_kjonn.antall is
    'Participants this month; NULL where the report hid the count.';
comment on column rapport.tiltaksgrupper_kjonn.endring_antall is 'Participants this month minus the same month last year.';
comment on column rapport.tiltaksgrupper_kjonn.endring_prosent is
    'Change in per cent of last year, rounded half away from zero; NULL when last year was 0 or unknown.';
