-- grain: as rapport.tidsserie, one row per periode × kjønn × hovedgruppe × tiltaksgruppe with
-- 'I alt' totals, but every tiltak counted in the tiltaksgruppe it belongs to in `maaned`
-- (where it exists then; otherwise in the group of its own month): series that stay
-- comparable across NAV's regroupings, a correspondence between two versions of the grouping.
-- A group no tiltak leaves or joins in a month keeps its published figures; only the groups
-- a move touches are summed anew from their tiltak. Totals over tiltaksgrupper never change.
-- A function, not a view, for its parameter. SECURITY DEFINER: it reads the tiltak schema,
-- which the reader role may not; it returns nothing a rapport view does not show.
create function rapport.tidsserie_gruppert_som(maaned date)
returns table (
    periode date,
    kjonn text,
    hovedgruppe text,
    tiltaksgruppe text,
    antall integer,
    prikket boolean
)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
with group_in_maaned as (
    select m.tiltak_id, m.tiltaksgruppe_id
    from tiltak.tiltak_medlemskap as m
    where m.gyldig_fra <= maaned and (m.gyldig_til is null or maaned < m.gyldig_til)
),

tiltak_cells as (
    -- Each tiltak's cells at the four kjønn × hovedgruppe grains: the group of its own month
    -- and the group it is counted in here.
    select
        c.periode, c.kjonn, c.kjonn_rekkefolge, c.hovedgruppe, c.hovedgruppe_rekkefolge,
        c.tiltaksgruppe_id as own_group,
        coalesce(g.tiltaksgruppe_id, c.tiltaksgruppe_id) as counted_group,
        c.antall
    from tiltak.kube as c
    left join group_in_maaned as g on g.tiltak_id = c.tiltak_id
    where c.per_tiltak
),

touched as (
    -- The groups of a month that some tiltak leaves or joins.
    select periode, own_group as tiltaksgruppe_id
    from tiltak_cells where counted_group <> own_group
    union
    select periode, counted_group
    from tiltak_cells where counted_group <> own_group
),

touched_named as (
    select t.periode, g.navn as tiltaksgruppe
    from touched as t
    join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = t.tiltaksgruppe_id
),

regrouped as (
    select
        c.periode,
        coalesce(c.kjonn, 'I alt') as kjonn,
        coalesce(c.hovedgruppe, 'I alt') as hovedgruppe,
        g.navn as tiltaksgruppe,
        -- A hidden tiltak hides the sum it falls in.
        case when count(c.antall) = count(*) then sum(c.antall) end::integer as antall
    from tiltak_cells as c
    join touched as t on t.periode = c.periode and t.tiltaksgruppe_id = c.counted_group
    join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = c.counted_group
    group by c.periode, c.kjonn, c.hovedgruppe, g.navn
),

series as (
    select s.periode, s.kjonn, s.hovedgruppe, s.tiltaksgruppe, s.antall, s.prikket
    from rapport.tidsserie as s
    where not exists (
        select from touched_named as t
        where t.periode = s.periode and t.tiltaksgruppe = s.tiltaksgruppe
    )
    union all
    select r.periode, r.kjonn, r.hovedgruppe, r.tiltaksgruppe, r.antall, r.antall is null
    from regrouped as r
)

select s.periode, s.kjonn, s.hovedgruppe, s.tiltaksgruppe, s.antall, s.prikket
from series as s
left join tiltak.kjonn as k on k.navn = s.kjonn
left join tiltak.hovedgruppe as h on h.navn = s.hovedgruppe
left join tiltak.tiltaksgruppe as g on g.navn = s.tiltaksgruppe
order by
    s.periode, k.rekkefolge nulls first, h.rekkefolge nulls first, g.rekkefolge nulls first
$$;

revoke all on function rapport.tidsserie_gruppert_som(date) from public;

comment on function rapport.tidsserie_gruppert_som(date) is
    'rapport.tidsserie with every tiltak counted in the tiltaksgruppe it belongs to in maaned '
    '(else in its own month''s): series comparable across regroupings. Example: '
    'select periode, antall from rapport.tidsserie_gruppert_som(''2016-01-01'') '
    'where kjonn = ''I alt'' and hovedgruppe = ''I alt'' and tiltaksgruppe = ''Avklaringstiltak'' '
    'order by periode';
