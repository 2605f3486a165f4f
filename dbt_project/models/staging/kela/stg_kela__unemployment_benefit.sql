-- Kela's municipally co-financed unemployment benefit by employment area and month: rename and cast only.
-- Totals are the rows with is_total_class (class Yhteensä); classes overlap and must not be summed.
-- Age group and sex are already summed by the ingestion; a pooled small group has no area_code.
with source as (
    select * from {{ source('kela', 'unemployment_benefit') }}
)

select
    cast(employment_area_code as varchar) as area_code,
    cast(month as date) as month,
    cast(benefit as varchar) as benefit,
    cast(days_class as varchar) as days_class,
    cast(recipients as bigint) as recipients,
    cast(compensated_days as bigint) as compensated_days,
    cast(euros_paid as double) as euros_paid,
    cast(municipal_share_eur as double) as municipal_share_eur,
    cast(is_total_class as boolean) as is_total_class,
    cast(is_pooled_area as boolean) as is_pooled_area,
    cast(area_code_in_source as varchar) as area_code_in_source,
    cast(employment_area_name as varchar) as area_name,
    cast(source_table as varchar) as source_table,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
