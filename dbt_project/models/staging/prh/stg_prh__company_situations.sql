-- Bankruptcy, liquidation and restructuring proceedings still open at the newest PRH dump (the register
-- shows open proceedings only, so these are not bankruptcy counts): rename and cast only.
with source as (
    select * from {{ source('prh', 'company_situations') }}
)

select
    cast(business_id as varchar) as business_id,
    cast(situation_type as varchar) as situation_type,
    cast(situation_code as varchar) as situation_code,
    cast(start_date as date) as start_date,
    cast(end_date as date) as end_date,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
