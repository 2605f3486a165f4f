-- The PRH register history across dumps, one row per company ever seen: rename and cast only.
with source as (
    select * from {{ source('prh', 'register_history') }}
)

select
    cast(business_id as varchar) as business_id,
    cast(first_seen_dump as date) as first_seen_dump,
    cast(last_seen_dump as date) as last_seen_dump,
    cast(left_register_dump as date) as left_register_dump,
    cast(company_form_code as varchar) as company_form_code,
    cast(main_industry_code as varchar) as main_industry_code,
    cast(industry_code_set as varchar) as industry_code_set,
    cast(municipality_code as varchar) as municipality_code,
    cast(registration_date as date) as registration_date,
    cast(end_date as date) as end_date,
    cast(is_sample_data as boolean) as is_sample_data
from source
