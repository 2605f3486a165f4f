{#- The measures (content codes) of Statistics Finland table tyonv/12r5 and their column names.
    kind 'count' = a head count that may be summed over municipalities;
    kind 'rate' = a published percentage that must never be summed or averaged.
    Order = column order in int_labour_market_pivoted and fct_labour_market_monthly. -#}
{% macro labour_market_measures(kind=none) -%}
{%- set measures = [
    {'code': 'HAKIJALOPUSSA', 'column': 'jobseekers', 'kind': 'count'},
    {'code': 'TYOTTOMATLOPUSSA', 'column': 'unemployed', 'kind': 'count'},
    {'code': 'TYOVOIMATK', 'column': 'labour_force', 'kind': 'count'},
    {'code': 'TYOTOSUUS', 'column': 'published_unemployment_rate', 'kind': 'rate'},
    {'code': 'TYOTTOMATMIEHET', 'column': 'unemployed_men', 'kind': 'count'},
    {'code': 'TYOTTOMATNAISET', 'column': 'unemployed_women', 'kind': 'count'},
    {'code': 'TYOTTOMAT20', 'column': 'unemployed_under_20', 'kind': 'count'},
    {'code': 'TYOTTOMAT25', 'column': 'unemployed_under_25', 'kind': 'count'},
    {'code': 'TYOTTOMAT50', 'column': 'unemployed_over_50', 'kind': 'count'},
    {'code': 'TYOTTOMATSAIR', 'column': 'unemployed_disabled_or_ill', 'kind': 'count'},
    {'code': 'TYOTTOMATULK', 'column': 'unemployed_foreign_nationals', 'kind': 'count'},
    {'code': 'PITKAAIKAISTYOTTOMAT', 'column': 'long_term_unemployed', 'kind': 'count'},
    {'code': 'KASSASSA', 'column': 'unemployment_fund_members', 'kind': 'count'},
    {'code': 'LOMAUTETTU', 'column': 'laid_off', 'kind': 'count'},
    {'code': 'LYHTYOVKO', 'column': 'on_shortened_week', 'kind': 'count'},
    {'code': 'TYOLLISTETTYLOP', 'column': 'in_subsidised_employment', 'kind': 'count'},
    {'code': 'TYOHARJOITTELULOP', 'column': 'in_work_practice', 'kind': 'count'},
    {'code': 'KOKEILULOP', 'column': 'in_work_trial', 'kind': 'count'},
    {'code': 'TVKOULUTUSLOP', 'column': 'in_labour_market_training', 'kind': 'count'},
    {'code': 'VALMENNUSLOP', 'column': 'in_coaching', 'kind': 'count'},
    {'code': 'MTPPALVELUTLOP', 'column': 'in_other_services', 'kind': 'count'},
    {'code': 'AVPAIKATLOPUSSA', 'column': 'open_vacancies', 'kind': 'count'},
    {'code': 'UUDETAVP', 'column': 'new_vacancies', 'kind': 'count'},
] -%}
{%- if kind is none -%}
{{ return(measures) }}
{%- else -%}
{{ return(measures | selectattr('kind', 'equalto', kind) | list) }}
{%- endif -%}
{%- endmacro %}


{#- The six service columns whose sum is persons_in_services. -#}
{% macro labour_market_service_columns() -%}
{{ return([
    'in_subsidised_employment',
    'in_work_practice',
    'in_work_trial',
    'in_labour_market_training',
    'in_coaching',
    'in_other_services',
]) }}
{%- endmacro %}
