-- grain: one row per periode × kjønn × hovedgruppe × tiltaksgruppe, each of the three with the
-- member 'I alt' for its total (as statistical cubes such as PxWeb tables carry them), over
-- every loaded month. A tiltak counts in the group it belonged to that month. Every figure of
-- tables 1-4 is a row: table 1 is tiltaksgruppe 'I alt' and kjønn 'I alt', table 3 is
-- hovedgruppe 'I alt' and kjønn 'I alt', tables 2 and 4 the same per kjønn.
-- The rows are stored in tiltak.lagret_tidsserie, computed by tiltak.beregnet_tidsserie from the
-- stored counts in the transaction that writes them.
create view rapport.tidsserie as
select
    periode,
    kjonn,
    hovedgruppe,
    tiltaksgruppe,
    antall,
    prikket
from tiltak.lagret_tidsserie
order by
    periode, kjonn_rekkefolge nulls first, hovedgruppe_rekkefolge nulls first,
    tiltaksgruppe_rekkefolge nulls first;

comment on view rapport.tidsserie is
    'Participants per month, kjønn, hovedgruppe and tiltaksgruppe, with ''I alt'' totals: tables 1-4 as one series.';
comment on column rapport.tidsserie.periode is 'Month, as its first day.';
comment on column rapport.tidsserie.kjonn is 'Kvinner, Menn, or I alt for both.';
comment on column rapport.tidsserie.hovedgruppe is 'Main group of the participant, or I alt for all.';
comment on column rapport.tidsserie.tiltaksgruppe is
    'Group the tiltak belonged to that month, or I alt for all; rapport.tidsserie_gruppert_som regroups.';
comment on column rapport.tidsserie.antall is
    'Participants; 0 where the report printed a blank; NULL where it hid the figure (prikket).';
comment on column rapport.tidsserie.prikket is 'True where the publication hid the figure.';
