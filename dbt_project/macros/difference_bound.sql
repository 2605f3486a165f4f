{#- The bound of a change a − b from the bounds of a and b (interval arithmetic): a lower-bound a can
    only be larger in truth, a lower-bound b too, so
    exact − exact = exact, lower − exact = lower_bound, exact − lower = upper_bound, lower − lower = unknown.
    The same holds for a percent change 100 × (a − b) / b and a ratio a / b of positive values, which rise
    with a and fall with b. NULL when either flag is NULL (no comparable value). -#}
{% macro difference_bound(minuend_is_lower_bound, subtrahend_is_lower_bound) -%}
    case
        when not {{ minuend_is_lower_bound }} and not {{ subtrahend_is_lower_bound }} then 'exact'
        when {{ minuend_is_lower_bound }} and not {{ subtrahend_is_lower_bound }} then 'lower_bound'
        when not {{ minuend_is_lower_bound }} and {{ subtrahend_is_lower_bound }} then 'upper_bound'
        when {{ minuend_is_lower_bound }} and {{ subtrahend_is_lower_bound }} then 'unknown'
    end
{%- endmacro %}
