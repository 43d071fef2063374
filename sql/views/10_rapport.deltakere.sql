-- grain: one row per periode × kjønn × hovedgruppe × tiltak: the finest published cell.
-- For BI tools: every figure of the six tables is a sum over these rows, except a sum over a
-- hidden count (antall NULL, prikket true), which the report printed itself.
-- The rows are stored in tiltak.lagret_deltakere, computed by tiltak.beregnet_deltakere from the
-- stored counts in the transaction that writes them.
create view rapport.deltakere as
select
    periode,
    kjonn,
    hovedgruppe,
    tiltaksgruppe,
    tiltak,
    antall,
    prikket
from tiltak.lagret_deltakere;

comment on view rapport.deltakere is
    'Participants per month, kjønn, hovedgruppe and tiltak (finest grain of the publication).';
comment on column rapport.deltakere.periode is 'Month, as its first day.';
comment on column rapport.deltakere.kjonn is
    'Kvinner or Menn; NULL in a month whose report has no kjønn split.';
comment on column rapport.deltakere.hovedgruppe is 'Main group of the participant.';
comment on column rapport.deltakere.tiltaksgruppe is 'Group the tiltak belonged to that month.';
comment on column rapport.deltakere.tiltak is 'Labour-market measure (canonical name).';
comment on column rapport.deltakere.antall is
    'Participants; 0 where the report printed a blank, NULL where it hid the count.';
comment on column rapport.deltakere.prikket is
    'True where the report hid the count (NAV''s "*": 1 to 3); antall is NULL there.';
