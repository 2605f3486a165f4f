-- INTERIM stand-in for the classifications helper's TOL 2025 → TOL 2008 correspondence (issue 17): one
-- row per TOL 2025 5-digit code seen in the PRH register history, mapped to the TOL 2008 section of the
-- division with the same first two digits, and to the TOL 2008 code with the same number when one
-- exists. An approximation where TOL 2025 moved activities between divisions; is_ambiguous is always
-- false here. To be replaced by the model built from the classification service's correspondence.
with codes as (
    select distinct main_industry_code as tol2025_code
    from {{ ref('stg_prh__register_history') }}
    where industry_code_set = 'TOL2025' and main_industry_code is not null
),

items as (
    select * from {{ ref('stg_classifications__industry_classification') }}
),

divisions as (
    select
        industry_code as division_code,
        parent_code as section_code
    from items
    where industry_level = 2
),

tol2008_codes as (
    select industry_code
    from items
    where industry_level = 5
)

select
    cast(codes.tol2025_code as varchar) as tol2025_code,
    cast(divisions.section_code as varchar) as tol2008_section_code,
    cast(tol2008_codes.industry_code as varchar) as tol2008_code,
    false as is_ambiguous
from codes
left join divisions on left(codes.tol2025_code, 2) = divisions.division_code
left join tol2008_codes on codes.tol2025_code = tol2008_codes.industry_code
