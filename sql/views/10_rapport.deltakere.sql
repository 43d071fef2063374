-- grain: one row per periode × kjønn × hovedgruppe × tiltak: the finest published cell.
-- For BI tools: every figure of the six tables is a sum over these rows.
create view rapport.deltakere as
select
    periode,
    kjonn,
    hovedgruppe,
    tiltaksgruppe,
    tiltak,
    antall::integer as antall
from tiltak.kube
where per_kjonn and per_hovedgruppe and per_tiltak;

comment on view rapport.deltakere is
    'Participants per month, kjønn, hovedgruppe and tiltak (finest grain of the publication).';
comment on column rapport.deltakere.periode is 'Month, as its first day.';
comment on column rapport.deltakere.kjonn is 'Kvinner or Menn.';
comment on column rapport.deltakere.hovedgruppe is 'Main group of the participant.';
comment on column rapport.deltakere.tiltaksgruppe is 'Group the tiltak belonged to that month.';
comment on column rapport.deltakere.tiltak is 'Labour-market measure (canonical name).';
comment on column rapport.deltakere.antall is 'Participants; 0 where the report printed a blank.';
