{#
    One STL component (prefix `sa` or `trend`) for every indicator, from the wide table of count
    decompositions: a count takes its own column; a ratio is rebuilt as Σ-of-parts, i.e. the
    numerator's component over the denominator parts' components (or over the observed denominator
    when the indicator declares no trend denominators). Used for both components so they never drift.
#}
{% macro decomposed_component(prefix, counts, ratios) -%}
case indicator_values.indicator_code
{%- for indicator in counts %}
    when '{{ indicator.code }}' then trends_wide.{{ prefix }}__{{ indicator.code }}
{%- endfor %}
{%- for indicator in ratios %}
{%- if indicator.trend_denominators %}
    when '{{ indicator.code }}'
        then {{ indicator.scale }} * trends_wide.{{ prefix }}__{{ indicator.trend_numerator }}
            / nullif(
{%- for part in indicator.trend_denominators -%}
                trends_wide.{{ prefix }}__{{ part }}{{ ' + ' if not loop.last }}
                {%- endfor -%}, 0
            )
    {%- else %}
    when '{{ indicator.code }}'
        then {{ indicator.scale }} * trends_wide.{{ prefix }}__{{ indicator.trend_numerator }}
            / nullif(indicator_values.denominator, 0)
{%- endif %}
{%- endfor %}
end
{%- endmacro %}
