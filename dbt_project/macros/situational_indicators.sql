{#- The indicators of the situational picture and how each is computed from fct_labour_market_monthly.
    Labels, units and directions are data in seeds/indicator_definitions.csv; this list says how to compute.
    kind 'count': value = the numerator column (a head count);
    kind 'ratio': value = scale × Σ numerator / Σ denominator, the denominator being the sum of
    denominator_columns — never an average of rates.
    Lower bounds come from the fact's <column>_is_lower_bound flags of the numerator and of the
    denominator columns other than the numerator: n / (n + d) rises with n, so a lower-bound n over an
    exact d still gives a lower bound (the activation rate).
    trend_parts = for a ratio, the count indicators whose STL components give the ratio's trend;
    labour_force (an annual figure without a season) is used as it is. -#}
{% macro situational_indicators(kind=none) -%}
{%- set indicators = [
    {'code': 'unemployed', 'kind': 'count', 'numerator': 'unemployed'},
    {'code': 'jobseekers', 'kind': 'count', 'numerator': 'jobseekers'},
    {'code': 'open_vacancies', 'kind': 'count', 'numerator': 'open_vacancies'},
    {'code': 'new_vacancies', 'kind': 'count', 'numerator': 'new_vacancies'},
    {'code': 'long_term_unemployed', 'kind': 'count', 'numerator': 'long_term_unemployed'},
    {'code': 'unemployed_under_25', 'kind': 'count', 'numerator': 'unemployed_under_25'},
    {'code': 'unemployed_over_50', 'kind': 'count', 'numerator': 'unemployed_over_50'},
    {'code': 'unemployed_foreign_nationals', 'kind': 'count', 'numerator': 'unemployed_foreign_nationals'},
    {'code': 'laid_off', 'kind': 'count', 'numerator': 'laid_off'},
    {'code': 'persons_in_services', 'kind': 'count', 'numerator': 'persons_in_services'},
    {'code': 'unemployment_rate', 'kind': 'ratio', 'scale': 100, 'numerator': 'unemployed',
        'denominator_columns': ['labour_force'],
        'trend_numerator': 'unemployed', 'trend_denominators': [], 'trend_denominator_column': 'labour_force'},
    {'code': 'vacancies_per_unemployed', 'kind': 'ratio', 'scale': 1, 'numerator': 'open_vacancies',
        'denominator_columns': ['unemployed'],
        'trend_numerator': 'open_vacancies', 'trend_denominators': ['unemployed']},
    {'code': 'long_term_unemployed_share', 'kind': 'ratio', 'scale': 100, 'numerator': 'long_term_unemployed',
        'denominator_columns': ['unemployed'],
        'trend_numerator': 'long_term_unemployed', 'trend_denominators': ['unemployed']},
    {'code': 'activation_rate', 'kind': 'ratio', 'scale': 100, 'numerator': 'persons_in_services',
        'denominator_columns': ['persons_in_services', 'unemployed'],
        'trend_numerator': 'persons_in_services', 'trend_denominators': ['persons_in_services', 'unemployed']},
] -%}
{%- if kind is none -%}
{{ return(indicators) }}
{%- else -%}
{{ return(indicators | selectattr('kind', 'equalto', kind) | list) }}
{%- endif -%}
{%- endmacro %}
