-- grain: one row per periode × kjønn × published row of table 2 "Hovedgrupper og kjønn":
-- the total row "I alt", then one row per hovedgruppe.
-- Endring compares with the same month a year earlier, whose counts the month's report implies.
-- The rows are stored in tiltak.lagret_hovedgrupper_kjonn, computed by tiltak.beregnet_hovedgrupper_kjonn from the
-- stored counts in the transaction that writes them.
create view rapport.hovedgrupper_kjonn as
select
    periode,
    kjonn,
    radnr,
    rad,
    er_sum,
    antall,
    endring_antall,
    endring_prosent
from tiltak.lagret_hovedgrupper_kjonn
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
