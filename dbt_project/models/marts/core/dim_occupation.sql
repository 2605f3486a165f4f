-- One row per occupation of the Classification of Occupations 2010 at every level, with its major
-- group (level 1) and names in Finnish, Swedish and English. Parents are resolved by walking up the
-- classification, so the major group is right at every level.
with recursive items as (
    select * from {{ ref('stg_classifications__occupation_classification') }}
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
