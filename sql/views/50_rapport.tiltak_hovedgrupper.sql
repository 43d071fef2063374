-- grain: one row per periode × published row of table 5 "Tiltak og hovedgrupper":
-- the total row "I alt", then per tiltaksgruppe its tiltak and its sum row "I alt <group>",
-- in published order; Kvinner and Menn summed. Only tiltak the month's report printed have rows.
-- The rows are stored in tiltak.lagret_tiltak_hovedgrupper, computed by tiltak.beregnet_tiltak_hovedgrupper from the
-- stored counts in the transaction that writes them.
create view rapport.tiltak_hovedgrupper as
select
    periode,
    radnr,
    rad,
    er_sum,
    i_alt,
    andre,
    arbeidssokere,
    nedsatt_arbeidsevne
from tiltak.lagret_tiltak_hovedgrupper
order by periode, radnr;

comment on view rapport.tiltak_hovedgrupper is
    'Table 5 "Tiltak og hovedgrupper": participants per tiltak and hovedgruppe.';
comment on column rapport.tiltak_hovedgrupper.periode is 'Month, as its first day.';
comment on column rapport.tiltak_hovedgrupper.radnr is 'Row number in published order within the month.';
comment on column rapport.tiltak_hovedgrupper.rad is
    'Row label: the tiltak, "I alt <tiltaksgruppe>" for a group sum, "I alt" for the total.';
comment on column rapport.tiltak_hovedgrupper.er_sum is 'True on group sum rows and the total row.';
comment on column rapport.tiltak_hovedgrupper.i_alt is
    'Participants in all hovedgrupper; NULL where the report hid the count.';
comment on column rapport.tiltak_hovedgrupper.andre is 'Participants in hovedgruppe "Andre på tiltak"; NULL where hidden.';
comment on column rapport.tiltak_hovedgrupper.arbeidssokere is 'Participants in hovedgruppe "Arbeidssøkere på tiltak"; NULL where hidden.';
comment on column rapport.tiltak_hovedgrupper.nedsatt_arbeidsevne is
    'Participants in hovedgruppe "Nedsatt arbeidsevne, på tiltak"; NULL where hidden.';
