-- grain: one row per periode × kjønn × hovedgruppe × tiltaksgruppe, each of the three with the
-- member 'I alt' for its total (as statistical cubes such as PxWeb tables carry them), over
-- every loaded month. A tiltak counts in the group it belonged to that month. Every figure of
-- tables 1-4 is a row: table 1 is tiltaksgruppe 'I alt' and kjønn 'I alt', table 3 is
-- hovedgruppe 'I alt' and kjønn 'I alt', tables 2 and 4 the same per kjønn.
-- The rows rapport.tidsserie shows, computed from the stored counts (via tiltak.kube);
-- tiltak.lagret_tidsserie holds them, refreshed by every load and migration
-- (tiltak.precompute), so that rapport.tidsserie reads stored rows.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.beregnet_tidsserie as
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
    coalesce(har_antall and antall is null, false) as prikket,
    kjonn_rekkefolge,
    hovedgruppe_rekkefolge,
    tiltaksgruppe_rekkefolge
from cells;

comment on view tiltak.beregnet_tidsserie is
    'The rows of rapport.tidsserie, computed from the stored counts (with kjonn_rekkefolge, hovedgruppe_rekkefolge, tiltaksgruppe_rekkefolge for their order).';
