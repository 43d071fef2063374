-- grain: one row per periode × kjønn × hovedgruppe × tiltak of the stored counts, with the
-- tiltaksgruppe each tiltak belonged to in that month (memberships change over the years).
-- kjonn is NULL in a month whose report has no kjønn split; antall is NULL where hidden.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.celle as
with membership_in_month as (
    select
        a.periode,
        a.kjonn_id,
        a.hovedgruppe_id,
        a.tiltak_id,
        m.tiltaksgruppe_id,
        a.antall
    from tiltak.antall as a
    join tiltak.tiltak_medlemskap as m
        on m.tiltak_id = a.tiltak_id
        and m.gyldig_fra <= a.periode
        and (m.gyldig_til is null or a.periode < m.gyldig_til)
)
select
    c.periode,
    c.kjonn_id,
    k.navn as kjonn,
    c.hovedgruppe_id,
    h.navn as hovedgruppe,
    h.kolonne as hovedgruppe_kolonne,
    c.tiltaksgruppe_id,
    g.navn as tiltaksgruppe,
    c.tiltak_id,
    t.navn as tiltak,
    c.antall
from membership_in_month as c
left join tiltak.kjonn as k on k.kjonn_id = c.kjonn_id
join tiltak.hovedgruppe as h on h.hovedgruppe_id = c.hovedgruppe_id
join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = c.tiltaksgruppe_id
join tiltak.tiltak as t on t.tiltak_id = c.tiltak_id;

comment on view tiltak.celle is
    'Stored counts at the finest grain, each tiltak in the tiltaksgruppe it had that month.';
