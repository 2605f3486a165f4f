-- One row per industry of the Standard Industrial Classification TOL 2008 at every level, with its
-- section (level 1) and names in Finnish, Swedish and English. The section is found by walking up the
-- parents, so it is right at every level.
-- The classification's level-0 total (e.g. SSSSS) is left out: a dimension row is a real class, and
-- the level-1 items that the service lists under the total get a NULL parent.
with recursive classification as (
    select * from {{ ref('stg_classifications__industry_classification') }}
),

totals as (
    select industry_code
    from classification
    where industry_level = 0
),

items as (
    select
        classification.industry_code,
        classification.industry_level,
        classification.name_fi,
        classification.name_sv,
        classification.name_en,
        classification.classification_id,
        classification.loaded_at,
        classification.is_sample_data,
        case
            when classification.parent_code in (select totals.industry_code from totals) then null
            else classification.parent_code
        end as parent_code
    from classification
    where classification.industry_level > 0
),

ancestry as (
    select
        industry_code,
        industry_code as ancestor_code,
        industry_level as ancestor_level
    from items
    union all
    select
        ancestry.industry_code,
        items.parent_code as ancestor_code,
        items.industry_level - 1 as ancestor_level
    from ancestry
    inner join items on ancestry.ancestor_code = items.industry_code
    where items.parent_code is not null
),

sections as (
    select
        industry_code,
        ancestor_code as section_code
    from ancestry
    where ancestor_level = 1
)

select
    cast(items.industry_code as varchar) as industry_code,
    cast(items.industry_level as integer) as industry_level,
    cast(items.parent_code as varchar) as parent_code,
    cast(sections.section_code as varchar) as section_code,
    cast(items.name_fi as varchar) as name_fi,
    cast(items.name_sv as varchar) as name_sv,
    cast(items.name_en as varchar) as name_en,
    cast(section.name_fi as varchar) as section_name_fi,
    cast(section.name_en as varchar) as section_name_en,
    cast(items.classification_id as varchar) as classification_id,
    cast(items.loaded_at as timestamp) as loaded_at,
    cast(items.is_sample_data as boolean) as is_sample_data
from items
left join sections on items.industry_code = sections.industry_code
left join items as section on sections.section_code = section.industry_code
