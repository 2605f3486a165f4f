{#- dbt's relationships test, vacuous only while the parent is empty: a dimension built from a dataset
    with no good version yet (the first night publishes what it has; mart_data_freshness.is_available
    says so). As soon as the parent has one row, every non-null child value must be in it. -#}
{% test relationships_once_available(model, column_name, to, field) %}

with child as (
    select {{ column_name }} as child_value from {{ model }}
),

parent as (
    select {{ field }} as parent_value from {{ to }}
)

select child.child_value
from child
where
    child.child_value is not null
    and exists (select 1 from parent)
    and not exists (select 1 from parent where parent.parent_value = child.child_value)

{% endtest %}
