-- The PRH company-form code list (YRMU) landed with the dump, flagging housing and mutual property
-- companies: rename and cast only.
with source as (
    select * from {{ source('prh', 'company_forms') }}
)

select
    cast(company_form_code as varchar) as company_form_code,
    cast(company_form_fi as varchar) as company_form_fi,
    cast(is_housing_or_property_company as boolean) as is_housing_or_property_company,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
