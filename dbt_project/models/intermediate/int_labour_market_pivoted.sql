-- Table tyonv/12r5 pivoted to one row per (source area_code, month), one column per measure.
-- Every source area is kept (ELY centres and unknown-area buckets too); the fact chooses what to use.
-- suppressed_cell_count counts the NULL cells among the count measures (TYOTOSUUS, a rate, is not counted).
{%- set measures = labour_market_measures() %}
{%- set count_measures = labour_market_measures(kind='count') %}

with labour_market as (
    select * from {{ ref('stg_statfin__labour_market') }}
),

pivoted as (
    select
        area_code,
        month,
        {%- for measure in measures %}
        max(value) filter (where measure_code = '{{ measure.code }}') as {{ measure.column }},
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
    nullif(concat_ws(
        ', ',
        {%- for measure in count_measures %}
        case when {{ measure.column }} is null then '{{ measure.column }}' end{{ ',' if not loop.last }}
        {%- endfor %}
    ), '') as null_cell_columns,
    source_table,
    source_updated_at,
    loaded_at,
    is_sample_data
from pivoted
