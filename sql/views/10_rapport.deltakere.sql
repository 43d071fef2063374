-- grain: one row per periode × kjønn × hovedgruppe × tiltak: the finest published cell.
-- For BI tools: every figure of the six tables is a sum over these rows, except a sum over a
-- hidden count (antall NULL, prikket true), which the report printed itself.
create view rapport.deltakere as
select
    periode,
    kjonn,
    hovedgruppe,
    tiltaksgruppe,
    tiltak,
    antall::integer as antall,
    antall is null as prikket
from tiltak.kube
where er_lagret;

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
