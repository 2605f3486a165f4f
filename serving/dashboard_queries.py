"""Ten typical dashboard queries on the serving marts, shared by the BI connection test and the benchmark.

Each takes one parameter, `$area` (an employment-area code such as TA24), as a BI filter would. They
are written the way a dashboard tool sends them: plain SQL over the served tables, no views.
"""

from __future__ import annotations

DASHBOARD_QUERIES: dict[str, str] = {
    "area_picker": """
        SELECT area_code, name_fi, name_sv, municipality_count
        FROM dim_area WHERE area_level = 'employment_area' OR area_code = $area
        ORDER BY name_fi
    """,
    "headline_latest_month": """
        SELECT f.month, f.unemployed, f.unemployment_rate, f.open_vacancies, f.long_term_unemployed,
               f.unemployed - y.unemployed AS unemployed_change_from_year_ago,
               f.unemployed_is_lower_bound, y.unemployed_is_lower_bound AS year_ago_unemployed_is_lower_bound
        FROM fct_labour_market_monthly f
        LEFT JOIN fct_labour_market_monthly y
               ON y.area_code = f.area_code AND y.month = f.month - INTERVAL 12 MONTH
        WHERE f.area_code = $area
        ORDER BY f.month DESC LIMIT 1
    """,
    "trend_24_months": """
        SELECT month, unemployed, jobseekers, unemployment_rate, open_vacancies
        FROM fct_labour_market_monthly
        WHERE area_code = $area
          AND month > (SELECT max(month) FROM fct_labour_market_monthly) - INTERVAL 24 MONTH
        ORDER BY month
    """,
    "member_municipalities_latest": """
        SELECT a.name_fi, f.unemployed, f.unemployment_rate, f.long_term_unemployed, f.open_vacancies
        FROM fct_labour_market_monthly f JOIN dim_area a USING (area_code)
        WHERE a.area_level = 'municipality' AND a.employment_area_code = $area
          AND f.month = (SELECT max(month) FROM fct_labour_market_monthly)
        ORDER BY f.unemployment_rate DESC NULLS LAST
    """,
    "employment_area_ranking": """
        SELECT a.area_code, a.name_fi, f.unemployment_rate, f.unemployment_rate_is_lower_bound,
               rank() OVER (
                   ORDER BY CASE WHEN NOT f.unemployment_rate_is_lower_bound THEN f.unemployment_rate END
                   DESC NULLS LAST
               ) AS rate_rank,
               a.area_code = $area AS is_selected
        FROM fct_labour_market_monthly f JOIN dim_area a USING (area_code)
        WHERE a.area_level = 'employment_area' AND f.month = (SELECT max(month) FROM fct_labour_market_monthly)
        ORDER BY rate_rank
    """,
    "change_from_year_ago_by_area": """
        WITH latest AS (SELECT max(month) AS month FROM fct_labour_market_monthly)
        SELECT n.area_code, n.unemployed, o.unemployed AS unemployed_year_ago,
               round(100.0 * (n.unemployed - o.unemployed) / nullif(o.unemployed, 0), 1) AS change_pct,
               n.area_code = $area AS is_selected
        FROM fct_labour_market_monthly n
        JOIN latest ON n.month = latest.month
        JOIN fct_labour_market_monthly o ON o.area_code = n.area_code AND o.month = n.month - INTERVAL 12 MONTH
        WHERE n.area_level = 'employment_area'
        ORDER BY change_pct DESC NULLS LAST
    """,
    "area_region_country_rates": """
        SELECT f.month, a.area_level, a.name_fi, f.unemployment_rate
        FROM fct_labour_market_monthly f JOIN dim_area a USING (area_code)
        WHERE (a.area_code = $area
               OR a.area_code = (SELECT region_code FROM dim_area WHERE area_code = $area)
               OR a.area_level = 'country')
          AND f.month > (SELECT max(month) FROM fct_labour_market_monthly) - INTERVAL 12 MONTH
        ORDER BY f.month, a.area_level
    """,
    "youth_and_long_term_shares": """
        SELECT month,
               round(100.0 * unemployed_under_25 / nullif(unemployed, 0), 1) AS under_25_share_pct,
               round(100.0 * long_term_unemployed / nullif(unemployed, 0), 1) AS long_term_share_pct,
               round(100.0 * unemployed_foreign_nationals / nullif(unemployed, 0), 1) AS foreign_share_pct
        FROM fct_labour_market_monthly WHERE area_code = $area ORDER BY month
    """,
    "services_breakdown_latest": """
        UNPIVOT (
            SELECT in_subsidised_employment, in_work_practice, in_work_trial, in_labour_market_training,
                   in_coaching, in_other_services
            FROM fct_labour_market_monthly
            WHERE area_code = $area AND month = (SELECT max(month) FROM fct_labour_market_monthly)
        ) ON COLUMNS(*) INTO NAME service VALUE persons
    """,
    "yearly_averages": """
        SELECT year(month) AS year, round(avg(unemployed)) AS avg_unemployed,
               round(100.0 * sum(unemployed) / nullif(sum(labour_force), 0), 1) AS unemployment_rate,
               round(avg(open_vacancies)) AS avg_open_vacancies
        FROM fct_labour_market_monthly WHERE area_code = $area
        GROUP BY ALL ORDER BY year
    """,
}
