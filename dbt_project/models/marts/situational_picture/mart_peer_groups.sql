-- For each mainland employment area, its five most similar employment areas (k nearest neighbours)
-- by Euclidean distance over standardised labour-market features (int_peer_features), equal weights.
-- Row peer_rank 0 is the area itself, so every group lists its own features too. Distances equal to
-- 9 decimals are ties, broken by area code, so that rounding noise does not decide the order (and
-- distances are published to 9 decimals, so that a rebuild of the same data gives the same table).
{%- set features = ['log_labour_force', 'unemployment_rate', 'long_term_share', 'under_25_share',
                    'over_50_share', 'foreign_nationals_share', 'vacancy_intensity', 'working_age_share'] %}
{%- set peers_per_area = 5 %}

with features as (
    select * from {{ ref('int_peer_features') }}
),

moments as (
    select
    {%- for feature in features %}
        avg({{ feature }}) as {{ feature }}__mean,
        stddev_pop({{ feature }}) as {{ feature }}__sd{{ ',' if not loop.last }}
    {%- endfor %}
    from features
),

-- z-scores; a missing feature counts as the mean (z = 0) so that it neither attracts nor repels
standardised as (
    select
        features.*,
    {%- for feature in features %}
    coalesce(
        (features.{{ feature }} - moments.{{ feature }}__mean) / nullif(moments.{{ feature }}__sd, 0), 0
    ) as {{ feature }}__z{{ ',' if not loop.last }}
    {%- endfor %}
    from features
    cross join moments
),

pairs as (
    select
        areas.area_code,
        peers.area_code as peer_area_code,
        sqrt(
            {%- for feature in features %}
            power(areas.{{ feature }}__z - peers.{{ feature }}__z, 2){{ ' +' if not loop.last }}
            {%- endfor %}
        ) as distance
    from standardised as areas
    cross join standardised as peers
),

ranked as (
    select
        area_code,
        peer_area_code,
        distance,
        row_number() over (
            partition by area_code
            order by area_code != peer_area_code, round(distance, 9), peer_area_code
        ) - 1 as peer_rank
    from pairs
)

select
    cast(ranked.area_code as varchar) as area_code,
    cast(ranked.peer_area_code as varchar) as peer_area_code,
    cast(ranked.peer_rank as integer) as peer_rank,
    cast(round(ranked.distance, 9) as double) as distance,
    cast(features.feature_month as date) as feature_month,
    cast(round(power(10, features.log_labour_force)) as bigint) as labour_force,
    cast(features.unemployment_rate as double) as unemployment_rate,
    cast(features.long_term_share as double) as long_term_share,
    cast(features.under_25_share as double) as under_25_share,
    cast(features.over_50_share as double) as over_50_share,
    cast(features.foreign_nationals_share as double) as foreign_nationals_share,
    cast(features.vacancy_intensity as double) as vacancy_intensity,
    cast(features.working_age_share as double) as working_age_share
from ranked
inner join features on ranked.peer_area_code = features.area_code
where ranked.peer_rank <= {{ peers_per_area }}
