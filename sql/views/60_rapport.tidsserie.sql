-- grain: one row per periode × kjønn × hovedgruppe × tiltaksgruppe, each of the three with the
-- member 'I alt' for its total (as statistical cubes such as PxWeb tables carry them), over
-- every loaded month. A tiltak counts in the group it belonged to that month. Every figure of
-- tables 1-4 is a row: table 1 is tiltaksgruppe 'I alt' and kjønn 'I alt', table 3 is
-- hovedgruppe 'I alt' and kjønn 'I alt', tables 2 and 4 the same per kjønn.
create view rapport.tidsserie as
with cells as (
    -- Per tiltaksgruppe, one slice of the cube per group: a filter on the group's name finds
    -- the group by its name index, and its id then reaches the tables' indexes. DISTINCT
    -- (the cells are unique already) keeps the planner from flattening the slice into a join
    -- that would build the whole cube first, while a filter on periode still reaches inside.
    select
        c.periode, c.kjonn, c.kjonn_rekkefolge, c.hovedgruppe, c.hovedgruppe_rekkefolge,
        g.navn as tiltaksgruppe, g.rekkefolge as tiltaksgruppe_rekkefolge, c.antall, c.har_antall
    from tiltak.tiltaksgruppe as g
    cross join lateral (
        select distinct
            k.periode, k.kjonn, k.kjonn_rekkefolge, k.hovedgruppe, k.hovedgruppe_rekkefolge,
            k.antall, k.har_antall
        from tiltak.kube as k
        where k.tiltaksgruppe_id = g.tiltaksgruppe_id
            and k.per_tiltaksgruppe and not k.per_tiltak
            -- A group is printed where it has a count this month or last year's.
            and (k.har_antall or k.fjor_tiltaksgruppe is not null)
    ) as c
    union all
    select
        periode, kjonn, kjonn_rekkefolge, hovedgruppe, hovedgruppe_rekkefolge,
        'I alt', null, antall, har_antall
    from tiltak.kube
    where not per_tiltaksgruppe
        and (har_antall or fjor_hovedgruppe is not null or fjor_tiltaksgruppe is not null)
)

select
    periode,
    coalesce(kjonn, 'I alt') as kjonn,
    coalesce(hovedgruppe, 'I alt') as hovedgruppe,
    tiltaksgruppe,
    antall::integer as antall,
    -- Where the cube has a count, NULL means the publication hid it.
    coalesce(har_antall and antall is null, false) as prikket
from cells
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
