-- Table tyonv/12r5 pivoted to one row per (source area_code, month), one column per measure.
-- Every source area is kept (ELY centres and unknown-area buckets too); the fact chooses what to use.
-- suppressed_cell_count counts the NULL cells among the count measures (TYOTOSUUS, a rate, is not counted).
-- Municipal mergers: a municipality code of a year (int_municipality_harmonisation) is re-keyed to
-- today's municipality, and the members of a merged municipality are summed: a count only when every
-- member's cell is visible (else NULL, like a suppressed cell); a rate is NULL on such a sum. StatFin
-- publishes 12r5 in today's division, so this only acts on data keyed by an earlier division.
{%- set measures = labour_market_measures() %}
{%- set count_measures = labour_market_measures(kind='count') %}

with source_rows as (
    select * from {{ ref('stg_statfin__labour_market') }}
),

harmonisation as (
    select * from {{ ref('int_municipality_harmonisation') }}
),

labour_market as (
    select
        source_rows.* replace (
            coalesce(harmonisation.current_municipality_code, source_rows.area_code) as area_code
        )
    from source_rows
    left join harmonisation
        on
            source_rows.area_code = harmonisation.municipality_code
            and year(source_rows.month) = harmonisation.valid_year
),

pivoted as (
    select
        area_code,
        month,
        {%- for measure in measures %}
        case
            {%- if measure.kind == 'count' %}
            when
                count(*) filter (where measure_code = '{{ measure.code }}')
                = count(value) filter (where measure_code = '{{ measure.code }}')
                then sum(value) filter (where measure_code = '{{ measure.code }}')
            {%- else %}
            when count(*) filter (where measure_code = '{{ measure.code }}') = 1
                then max(value) filter (where measure_code = '{{ measure.code }}')
            {%- endif %}
        end as {{ measure.column }},
        {%- endfor %}
        max(source_table) as source_table,
        max(source_updated_at) as source_updated_at,
        max(loaded_at) as loaded_at,
        bool_or(is_sample_data) as is_sample_data
    from labour_market
    group by area_code, month
)

select
    area_code,
    month,
    {%- for measure in measures %}
    {%- if measure.kind == 'count' %}
    cast({{ measure.column }} as bigint) as {{ measure.column }},
    {%- else %}
    {{ measure.column }},
    {%- endif %}
    {%- endfor %}
    (
        {%- for measure in count_measures %}
        case when {{ measure.column }} is null then 1 else 0 end{{ ' +' if not loop.last }}
        {%- endfor %}
    ) as suppressed_cell_count,
    source_table,
    source_updated_at,
    loaded_at,
    is_sample_data
from pivoted
