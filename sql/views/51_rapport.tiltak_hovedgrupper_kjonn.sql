-- grain: one row per periode × kjønn × published row of table 6 "Tiltak, hovedgrupper og kjønn":
-- the total row "I alt kvinner"/"I alt menn", then per tiltaksgruppe its tiltak and its sum row
-- "I alt <group>", in published order. Only tiltak the month's report printed have rows.
-- The rows are stored in tiltak.lagret_tiltak_hovedgrupper_kjonn, computed by tiltak.beregnet_tiltak_hovedgrupper_kjonn from the
-- stored counts in the transaction that writes them.
create view rapport.tiltak_hovedgrupper_kjonn as
select
    periode,
    kjonn,
    radnr,
    rad,
    er_sum,
    i_alt,
    andre,
    arbeidssokere,
    nedsatt_arbeidsevne
from tiltak.lagret_tiltak_hovedgrupper_kjonn
order by periode, kjonn_rekkefolge, radnr;

comment on view rapport.tiltak_hovedgrupper_kjonn is
    'Table 6 "Tiltak, hovedgrupper og kjønn": participants per tiltak, hovedgruppe and kjønn.';
comment on column rapport.tiltak_hovedgrupper_kjonn.periode is 'Month, as its first day.';
comment on column rapport.tiltak_hovedgrupper_kjonn.kjonn is 'Kvinner or Menn.';
comment on column rapport.tiltak_hovedgrupper_kjonn.radnr is 'Row number in published order within periode and kjønn.';
comment on column rapport.tiltak_hovedgrupper_kjonn.rad is
    'Row label: the tiltak, "I alt <tiltaksgruppe>" for a group sum, "I alt kvinner"/"I alt menn" for the total.';
comment on column rapport.tiltak_hovedgrupper_kjonn.er_sum is 'True on group sum rows and the total row.';
comment on column rapport.tiltak_hovedgrupper_kjonn.i_alt is
    'Participants in all hovedgrupper; NULL where the report hid the count.';
comment on column rapport.tiltak_hovedgrupper_kjonn.andre is 'Participants in hovedgruppe "Andre på tiltak"; NULL where hidden.';
comment on column rapport.tiltak_hovedgrupper_kjonn.arbeidssokere is 'Participants in hovedgruppe "Arbeidssøkere på tiltak"; NULL where hidden.';
comment on column rapport.tiltak_hovedgrupper_kjonn.nedsatt_arbeidsevne is
    'Participants in hovedgruppe "Nedsatt arbeidsevne, på tiltak"; NULL where hidden.';
