-- Each mainland employment area's position among its peer group (itself and its five most similar
-- areas, mart_peer_groups) on every headline indicator in the latest month. Ratios are compared on
-- their value, counts (which scale with size) on their percent change from a year ago; lower bounds
-- are left out of the comparison.
with picture as (
    select * from {{ ref('mart_situational_picture') }}
),

indicators as (
    select * from {{ ref('dim_indicator') }}
    where is_headline
),

peer_groups as (
    select * from {{ ref('mart_peer_groups') }}
),

latest_month as (
    select max(month) as month from picture
),

compared as (
    select
        peer_groups.area_code,
        peer_groups.peer_area_code,
        peer_groups.peer_rank,
        indicators.indicator_code,
        indicators.direction_sign,
        picture.month,
        picture.is_sample_data,
        case when indicators.indicator_kind = 'ratio' then 'value' else 'change_12m_pct' end as compared_measure,
        case
            when indicators.indicator_kind = 'ratio' and not picture.is_lower_bound then picture.value
            when indicators.indicator_kind = 'count' and picture.change_12m_bound = 'exact'
                then picture.change_12m_pct
        end as compared_value
    from peer_groups
    cross join indicators
    cross join latest_month
    inner join picture
        on
            peer_groups.peer_area_code = picture.area_code
            and indicators.indicator_code = picture.indicator_code
            and latest_month.month = picture.month
),

ranked as (
    select
        *,
        case
            when compared_value is not null
                then rank() over (
                        partition by area_code, indicator_code, compared_value is not null
                        order by compared_value * (case when direction_sign = 0 then 1 else direction_sign end) desc
                    )
        end as rank_in_group
    from compared
)

select
    cast(area_code as varchar) as area_code,
    cast(indicator_code as varchar) as indicator_code,
    cast(max(month) as date) as month,
    cast(max(compared_measure) as varchar) as compared_measure,
    cast(max(compared_value) filter (where peer_rank = 0) as double) as area_value,
    cast(median(compared_value) filter (where peer_rank > 0) as double) as peer_median,
    cast(min(compared_value) filter (where peer_rank > 0) as double) as peer_min,
    cast(max(compared_value) filter (where peer_rank > 0) as double) as peer_max,
    cast(
        max(compared_value) filter (where peer_rank = 0) - median(compared_value) filter (where peer_rank > 0)
        as double
    ) as difference_from_peer_median,
    cast(max(rank_in_group) filter (where peer_rank = 0) as integer) as rank_in_group,
    cast(count(compared_value) as integer) as group_size,
    cast(string_agg(peer_area_code, ', ' order by peer_rank) filter (where peer_rank > 0) as varchar)
        as peer_area_codes,
    cast(bool_or(is_sample_data) as boolean) as is_sample_data
from ranked
group by area_code, indicator_code
