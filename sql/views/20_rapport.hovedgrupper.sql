-- grain: one row per periode × published row of table 1 "Hovedgrupper":
-- the total row "I alt", then one row per hovedgruppe; Kvinner and Menn summed.
-- Endring compares with the same month a year earlier, whose counts the month's report implies.
-- The rows are stored in tiltak.lagret_hovedgrupper, computed by tiltak.beregnet_hovedgrupper from the
-- stored counts in the transaction that writes them.
create view rapport.hovedgrupper as
select
    periode,
    radnr,
    rad,
    er_sum,
    antall,
    endring_antall,
    endring_prosent
from tiltak.lagret_hovedgrupper
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
