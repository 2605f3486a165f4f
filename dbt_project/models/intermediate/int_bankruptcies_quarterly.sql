-- Bankruptcies filed (StatFin/kony) summed from months to quarters, for the whole country and each
-- region. A quarter is given only when all three of its months are published, so the latest,
-- still incomplete quarter never shows as a drop; a sum over a missing month cell is flagged.
with bankruptcies as (
    select * from {{ ref('stg_statfin__bankruptcies') }}
    where measure_code = 'konkurssit'
)

select
    cast(area_code as varchar) as area_code,
    cast(date_trunc('quarter', month) as date) as quarter,
    cast(sum(value) as bigint) as bankruptcies,
    cast(bool_or(value is null) as boolean) as is_lower_bound,
    cast(max(source_table) as varchar) as source_table,
    cast(max(source_updated_at) as timestamp) as source_updated_at,
    cast(bool_or(is_sample_data) as boolean) as is_sample_data
from bankruptcies
group by area_code, date_trunc('quarter', month)
having count(distinct month) = 3
