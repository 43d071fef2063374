-- grain: one row per periode × published row of table 3 "Tiltaksgrupper":
-- the total row "I alt", then one row per tiltaksgruppe in published order; Kvinner and Menn summed.
-- A tiltak counts in the group it belonged to that month; Endring compares with the counts
-- the month's report implies for the same month a year earlier.
-- The rows are stored in tiltak.lagret_tiltaksgrupper, computed by tiltak.beregnet_tiltaksgrupper from the
-- stored counts in the transaction that writes them.
create view rapport.tiltaksgrupper as
select
    periode,
    radnr,
    rad,
    er_sum,
    antall,
    endring_antall,
    endring_prosent
from tiltak.lagret_tiltaksgrupper
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
