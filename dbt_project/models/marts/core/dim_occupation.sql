-- One row per occupation of the Classification of Occupations 2010 at every level, with its major
-- group (level 1) and names in Finnish, Swedish and English. Parents are resolved by walking up the
-- classification, so the major group is right at every level.
-- The classification's level-0 total (e.g. SSSSS) is left out: a dimension row is a real class, and
-- the level-1 items that the service lists under the total get a NULL parent.
with recursive classification as (
    select * from {{ ref('stg_classifications__occupation_classification') }}
),

totals as (
    select occupation_code
    from classification
    where occupation_level = 0
),

items as (
    select
        classification.occupation_code,
        classification.occupation_level,
        classification.name_fi,
        classification.name_sv,
        classification.name_en,
        classification.classification_id,
        classification.loaded_at,
        classification.is_sample_data,
        case
            when classification.parent_code in (select totals.occupation_code from totals) then null
            else classification.parent_code
        end as parent_code
    from classification
    where classification.occupation_level > 0
),

ancestry as (
    select
        occupation_code,
        occupation_code as ancestor_code,
        occupation_level as ancestor_level
    from items
    union all
    select
        ancestry.occupation_code,
        items.parent_code as ancestor_code,
        items.occupation_level - 1 as ancestor_level
    from ancestry
    inner join items on ancestry.ancestor_code = items.occupation_code
    where items.parent_code is not null
),

major_groups as (
    select
        occupation_code,
        ancestor_code as major_group_code
    from ancestry
    where ancestor_level = 1
)

select
    cast(items.occupation_code as varchar) as occupation_code,
    cast(items.occupation_level as integer) as occupation_level,
    cast(items.parent_code as varchar) as parent_code,
    cast(major_groups.major_group_code as varchar) as major_group_code,
    cast(items.name_fi as varchar) as name_fi,
    cast(items.name_sv as varchar) as name_sv,
    cast(items.name_en as varchar) as name_en,
    cast(major.name_fi as varchar) as major_group_name_fi,
    cast(items.classification_id as varchar) as classification_id,
    cast(items.loaded_at as timestamp) as loaded_at,
    cast(items.is_sample_data as boolean) as is_sample_data
from items
left join major_groups on items.occupation_code = major_groups.occupation_code
left join items as major on major_groups.major_group_code = major.occupation_code
