-- grain: one row per cell of the cube periode × kjønn × hovedgruppe × tiltaksgruppe × tiltak,
-- each dimension with its total member (id NULL, per_<dimension> false), at the 12 grains the
-- six tables print: by kjønn or not × by hovedgruppe or not × by tiltak (within its
-- tiltaksgruppe), by tiltaksgruppe, or neither. Every figure of the rapport views is a cell.
-- A cell is the sum of its stored counts where none is hidden; where a count under it is hidden
-- (NULL), the report printed the cell itself, and the load stored it in tiltak.antall_sum
-- (NULL again where the report hid the cell too). A month whose report has no kjønn split
-- stores its counts with kjonn_id NULL: it has no cells by kjønn.
-- Internal building block of the rapport views; not part of the reporting contract.
create view tiltak.kube as
with stored_counts as not materialized (
    -- This month's counts, at the finest grain, each tiltak in the group it had that month.
    select a.periode, a.kjonn_id, a.hovedgruppe_id, m.tiltaksgruppe_id, a.tiltak_id, a.antall
    from tiltak.antall as a
    join tiltak.tiltak_medlemskap as m
        on m.tiltak_id = a.tiltak_id
        and m.gyldig_fra <= a.periode
        and (m.gyldig_til is null or a.periode < m.gyldig_til)
),

figures_by_tiltaksgruppe as not materialized (
    -- The stored figures given per tiltaksgruppe: this month's counts and last year's counts
    -- that table 4's Endring implies. A union rather than a join, so that a filter on periode
    -- reaches each table's index.
    select periode, kjonn_id, hovedgruppe_id, tiltaksgruppe_id, tiltak_id, antall,
        null::integer as fjor
    from stored_counts
    union all
    select periode, kjonn_id, null, tiltaksgruppe_id, null, null, antall
    from tiltak.fjorar_tiltaksgruppe
),

figures_over_tiltaksgrupper as not materialized (
    -- Every stored figure, without the tiltaksgruppe a tiltak had (a join the totals over all
    -- tiltaksgrupper need not pay for); last year's counts of tables 2 and 4 apart.
    select periode, kjonn_id, hovedgruppe_id, antall,
        null::integer as fjor_hovedgruppe, null::integer as fjor_tiltaksgruppe
    from tiltak.antall
    union all
    select periode, kjonn_id, hovedgruppe_id, null, antall, null
    from tiltak.fjorar_hovedgruppe
    union all
    select periode, kjonn_id, null, null, null, antall
    from tiltak.fjorar_tiltaksgruppe
),

grains (per_kjonn, per_hovedgruppe, per_tiltak) as not materialized (
    -- The grains to sum at: rows to join rather than GROUPING SETS, which would keep a filter
    -- on periode from the tables' indexes. Not the finest: there a stored count is a cell
    -- (in a month without kjønn split, also at (false, true, true)).
    values
        (true, true, false), (true, false, true), (true, false, false),
        (false, true, true), (false, true, false), (false, false, true), (false, false, false)
),

by_tiltaksgruppe as (
    -- A cell sums the stored figures given at its grain or finer: NULL in a dimension the cell
    -- breaks down by leaves a figure out.
    select
        f.periode,
        case when g.per_kjonn then f.kjonn_id end as kjonn_id,
        case when g.per_hovedgruppe then f.hovedgruppe_id end as hovedgruppe_id,
        f.tiltaksgruppe_id,
        case when g.per_tiltak then f.tiltak_id end as tiltak_id,
        g.per_kjonn,
        g.per_hovedgruppe,
        g.per_tiltak,
        sum(f.antall) as antall,
        count(f.antall) > 0 as har_antall,
        sum(f.fjor) as fjor_tiltaksgruppe
    from figures_by_tiltaksgruppe as f
    join grains as g
        on (f.kjonn_id is not null or not g.per_kjonn)
        and (f.hovedgruppe_id is not null or not g.per_hovedgruppe)
        and (f.tiltak_id is not null or not g.per_tiltak)
        and (f.kjonn_id is not null or not (g.per_hovedgruppe and g.per_tiltak))
    group by
        f.periode, g.per_kjonn, g.per_hovedgruppe, g.per_tiltak, f.tiltaksgruppe_id, 2, 3, 5
),

over_tiltaksgrupper as (
    -- The same over all tiltaksgrupper, which needs no tiltaksgruppe of a tiltak.
    select
        f.periode,
        case when g.per_kjonn then f.kjonn_id end as kjonn_id,
        case when g.per_hovedgruppe then f.hovedgruppe_id end as hovedgruppe_id,
        g.per_kjonn,
        g.per_hovedgruppe,
        sum(f.antall) as antall,
        count(f.antall) > 0 as har_antall,
        sum(f.fjor_hovedgruppe) as fjor_hovedgruppe,
        sum(f.fjor_tiltaksgruppe) as fjor_tiltaksgruppe
    from figures_over_tiltaksgrupper as f
    join grains as g
        on (f.kjonn_id is not null or not g.per_kjonn)
        and (f.hovedgruppe_id is not null or not g.per_hovedgruppe)
        and not g.per_tiltak
    group by f.periode, g.per_kjonn, g.per_hovedgruppe, 2, 3
),

cells as (
    -- Constant flags where a part fixes them, so that a filter on them leaves the other parts
    -- out of the plan.
    select
        periode, kjonn_id, hovedgruppe_id, tiltaksgruppe_id, tiltak_id,
        true as per_kjonn, true as per_hovedgruppe, true as per_tiltaksgruppe, true as per_tiltak,
        antall::bigint as antall, true as har_antall, null::bigint as fjor_hovedgruppe,
        null::bigint as fjor_tiltaksgruppe, true as er_lagret
    from stored_counts
    where kjonn_id is not null
    union all
    select
        periode, null::smallint, hovedgruppe_id, tiltaksgruppe_id, tiltak_id,
        false, true, true, true,
        antall::bigint, true, null::bigint, null::bigint, true
    from stored_counts
    where kjonn_id is null
    union all
    select
        periode, kjonn_id, hovedgruppe_id, tiltaksgruppe_id, tiltak_id,
        per_kjonn, per_hovedgruppe, true, per_tiltak,
        antall, har_antall, null::bigint, fjor_tiltaksgruppe, false
    from by_tiltaksgruppe
    union all
    select
        periode, kjonn_id, hovedgruppe_id, null::integer, null::integer,
        per_kjonn, per_hovedgruppe, false, false,
        antall, har_antall, fjor_hovedgruppe, fjor_tiltaksgruppe, false
    from over_tiltaksgrupper
)

select
    c.periode,
    c.kjonn_id,
    k.navn as kjonn,
    k.rekkefolge as kjonn_rekkefolge,
    c.hovedgruppe_id,
    h.navn as hovedgruppe,
    h.kolonne as hovedgruppe_kolonne,
    h.rekkefolge as hovedgruppe_rekkefolge,
    c.tiltaksgruppe_id,
    g.navn as tiltaksgruppe,
    g.rekkefolge as tiltaksgruppe_rekkefolge,
    c.tiltak_id,
    t.navn as tiltak,
    t.rekkefolge as tiltak_rekkefolge,
    c.per_kjonn,
    c.per_hovedgruppe,
    c.per_tiltaksgruppe,
    c.per_tiltak,
    -- A cell with only last year's count (its tiltak ended) has none this month: 0, as printed.
    case
        when s.periode is not null then s.antall
        when c.har_antall then c.antall
        else 0
    end as antall,
    c.har_antall or s.periode is not null as har_antall,
    c.fjor_hovedgruppe,
    c.fjor_tiltaksgruppe,
    c.er_lagret
from cells as c
left join tiltak.antall_sum as s
    on s.periode = c.periode
    and s.kjonn_id is not distinct from c.kjonn_id
    and s.hovedgruppe_id is not distinct from c.hovedgruppe_id
    and s.tiltaksgruppe_id is not distinct from c.tiltaksgruppe_id
    and s.tiltak_id is not distinct from c.tiltak_id
left join tiltak.kjonn as k on k.kjonn_id = c.kjonn_id
left join tiltak.hovedgruppe as h on h.hovedgruppe_id = c.hovedgruppe_id
left join tiltak.tiltaksgruppe as g on g.tiltaksgruppe_id = c.tiltaksgruppe_id
left join tiltak.tiltak as t on t.tiltak_id = c.tiltak_id;

comment on view tiltak.kube is
    'Every cell of periode × kjønn × hovedgruppe × tiltaksgruppe × tiltak the tables print.';
comment on column tiltak.kube.per_kjonn is 'False on the total over kjønn (kjonn_id NULL).';
comment on column tiltak.kube.per_hovedgruppe is
    'False on the total over hovedgrupper (hovedgruppe_id NULL).';
comment on column tiltak.kube.per_tiltaksgruppe is
    'False on the total over tiltaksgrupper (tiltaksgruppe_id and tiltak_id NULL).';
comment on column tiltak.kube.per_tiltak is
    'False on a total over the tiltak of a tiltaksgruppe or of all (tiltak_id NULL).';
comment on column tiltak.kube.antall is
    'Participants this month: the sum of the stored counts in the cell, or where one of them is'
    ' hidden the count the report printed for the cell; NULL where hidden; 0 where it has none.';
comment on column tiltak.kube.er_lagret is
    'True on a stored count itself: the finest grain of its month (without kjønn in a month'
    ' whose report has no kjønn split).';
comment on column tiltak.kube.har_antall is
    'True where the cell holds a count this month; false where only last year''s is known.';
comment on column tiltak.kube.fjor_hovedgruppe is
    'Last year''s count as table 2''s Endring implies it, summed; NULL where it implies none.';
comment on column tiltak.kube.fjor_tiltaksgruppe is
    'Last year''s count as table 4''s Endring implies it, summed; NULL where it implies none.';
