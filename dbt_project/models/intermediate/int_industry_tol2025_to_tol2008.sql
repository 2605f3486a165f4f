-- Every TOL 2025 subclass with one TOL 2008 subclass and its section, so that companies coded in
-- TOL 2025 (PRH's TOIMI4) are counted in the TOL 2008 sections the marts use.
-- Choice among several TOL 2008 codes, deterministic: the same code when it is listed; otherwise the
-- section with the most candidate codes (ties: the first section letter), and in it the smallest code.
-- is_ambiguous is TRUE when the candidates fall in more than one TOL 2008 section.
with subclasses as (
    select
        industry_code as tol2025_code,
        name_fi as tol2025_name_fi,
        is_sample_data
    from {{ ref('stg_classifications__industry_classification_2025') }}
    where industry_level = 5
),

maps as (
    select distinct
        tol2025_code,
        tol2008_code
    from {{ ref('stg_classifications__industry_tol2025_tol2008') }}
    where
        regexp_full_match(tol2025_code, '[0-9]{5}')
        and regexp_full_match(tol2008_code, '[0-9]{5}')
),

tol2008_divisions as (
    select
        industry_code as division_code,
        parent_code as section_code
    from {{ ref('stg_classifications__industry_classification') }}
    where industry_level = 2
),

candidates as (
    select
        maps.tol2025_code,
        maps.tol2008_code,
        tol2008_divisions.section_code
    from maps
    left join tol2008_divisions on left(maps.tol2008_code, 2) = tol2008_divisions.division_code
),

section_sizes as (
    select
        tol2025_code,
        section_code,
        count(*) as codes_in_section
    from candidates
    group by tol2025_code, section_code
),

summary as (
    select
        tol2025_code,
        count(*) as tol2008_candidates,
        count(distinct section_code) as tol2008_sections
    from candidates
    group by tol2025_code
),

ranked as (
    select
        candidates.tol2025_code,
        candidates.tol2008_code,
        candidates.section_code,
        row_number() over (
            partition by candidates.tol2025_code
            order by
                candidates.tol2008_code = candidates.tol2025_code desc,
                section_sizes.codes_in_section desc,
                candidates.section_code asc,
                candidates.tol2008_code asc
        ) as choice
    from candidates
    left join section_sizes
        on
            candidates.tol2025_code = section_sizes.tol2025_code
            and candidates.section_code is not distinct from section_sizes.section_code
)

select
    cast(subclasses.tol2025_code as varchar) as tol2025_code,
    cast(subclasses.tol2025_name_fi as varchar) as tol2025_name_fi,
    cast(ranked.section_code as varchar) as tol2008_section_code,
    cast(ranked.tol2008_code as varchar) as tol2008_code,
    cast(coalesce(summary.tol2008_sections > 1, false) as boolean) as is_ambiguous,
    cast(coalesce(summary.tol2008_candidates, 0) as integer) as tol2008_candidates,
    cast(subclasses.is_sample_data as boolean) as is_sample_data
from subclasses
left join ranked
    on
        subclasses.tol2025_code = ranked.tol2025_code
        and ranked.choice = 1
left join summary on subclasses.tol2025_code = summary.tol2025_code
