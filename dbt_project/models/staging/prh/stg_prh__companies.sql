-- Per-company facts of the newest PRH register dump (no names or addresses): rename and cast only.
with source as (
    select * from {{ source('prh', 'companies') }}
)

select
    cast(business_id as varchar) as business_id,
    cast(company_form_code as varchar) as company_form_code,
    cast(main_industry_code as varchar) as main_industry_code,
    cast(industry_code_set as varchar) as industry_code_set,
    cast(industry_code_set_source as varchar) as industry_code_set_source,
    cast(municipality_code as varchar) as municipality_code,
    cast(registration_date as date) as registration_date,
    cast(end_date as date) as end_date,
    cast(last_modified as timestamp) as last_modified,
    cast(source_updated_at as timestamp) as source_updated_at,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
