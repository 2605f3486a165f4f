-- Correspondence TOL 2025 → TOL 2008, one row per code pair: rename and cast only.
with source as (
    select * from {{ source('classifications', 'industry_tol2025_tol2008') }}
)

select
    cast(source_code as varchar) as tol2025_code,
    cast(target_code as varchar) as tol2008_code,
    cast(source_classification_id as varchar) as tol2025_classification_id,
    cast(target_classification_id as varchar) as tol2008_classification_id,
    cast(loaded_at as timestamp) as loaded_at,
    cast(is_sample_data as boolean) as is_sample_data
from source
