-- grain: one row per periode × kjønn × published row of table 4 "Tiltaksgrupper og kjønn":
-- the total row "I alt kvinner"/"I alt menn", then one row per tiltaksgruppe in published order.
-- A tiltak counts in the group it belonged to that month; Endring compares with the counts
-- the month's report implies for the same month a year earlier.
-- The rows are stored in tiltak.lagret_tiltaksgrupper_kjonn, computed by tiltak.beregnet_tiltaksgrupper_kjonn from the
-- stored counts in the transaction that writes them.
create view rapport.tiltaksgrupper_kjonn as
select
    periode,
    kjonn,
    radnr,
    rad,
    er_sum,
    antall,
    endring_antall,
    endring_prosent
from tiltak.lagret_tiltaksgrupper_kjonn
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
