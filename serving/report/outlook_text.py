"""Words of the outlook section (Näkymät / Utsikter / Outlook) in Finnish, Swedish and English.

The accuracy sentence is worded from mart_forecast_accuracy's numbers: the verdicts (how the 80 %
interval held, whether ETS beat the seasonal-naive baseline) are chosen by the thresholds below, never
typed in. A forecast resting on lower bounds is always worded as "at least", and a part without data
says so in one sentence.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from serving.report.outlook_data import Accuracy, CostOutlook, ForecastSeries, Outlook
from serving.report.text import POINTS_UNIT, NumberRenderer, format_day, format_month, format_short_month

# ETS's MAE ÷ the seasonal-naive MAE: below CLEARLY_BETTER it clearly beat the baseline, below 1 slightly,
# from 1 up it did not beat it.
CLEARLY_BETTER = 0.8
# The 80 % interval held the outcome "about as often as stated" within ± COVERAGE_TOLERANCE points of 80 %.
NOMINAL_COVERAGE = 80.0
COVERAGE_TOLERANCE = 10.0
# Fewer scored forecasts than this and the sentence says the record is thin.
FEW_FORECASTS = 12

OUTLOOK_LABELS: dict[str, dict[str, str]] = {
    "fi": {
        "outlook": "Näkymät",
        "intro": "Tämän osan luvut ovat tilastollisia ennusteita, eivät tavoitteita eivätkä päätöksiä: ne jatkavat "
        "sarjojen trendiä ja kausivaihtelua (ETS-menetelmä) eivätkä tiedä tulevista päätöksistä tai suhdanteen "
        "käänteistä. Ennusteet on laskettu tietojulkaisusta, jonka viimeisin kuukausi on {month} (lähde päivitetty "
        "{updated}).",
        "intro_older": " Tämän kuukauden tiedoista ei ole vielä tehty ennustetta, joten näkymä on edellisestä "
        "julkaisusta.",
        "sample": "Ennusteet ja niiden tarkkuus on laskettu esimerkkiaineistosta, eivätkä ne kerro todellisesta "
        "kehityksestä.",
        "fan_alt": "Viuhkakaavio: {indicator}, toteutunut {start}–{end} ja ETS-ennuste {first}–{last} 80 %:n ja "
        "95 %:n ennustevälein sekä kausinaiivi vertailuennuste katkoviivana.",
        "fan_alt_lower": " Ennuste perustuu alarajoihin (vinoviivoitus): todellinen arvo on vähintään tämä.",
        "legend_actual": "Toteutunut",
        "legend_point": "Ennuste (ETS)",
        "legend_point_lower": "Ennuste (ETS), alaraja ≥",
        "legend_80": "80 %:n ennusteväli",
        "legend_95": "95 %:n ennusteväli",
        "legend_baseline": "Kausinaiivi vertailuennuste",
        "table_caption": "Ennusteet {first}–{last}: piste-ennuste ja 80 %:n ennusteväli",
        "months_ahead": "{h} kk",
        "lower_note": "{names}: ennuste perustuu alarajasummiin (jäsenkunnan soluja salattu), joten luvut ovat "
        "vähintään näin suuria (≥), eivät tarkkoja.",
        "no_forecasts": "Alueelle ei ole ennusteita tähän kuukauteen mennessä julkaistuista tiedoista "
        "(mart_forecast puuttuu tai on tyhjä), joten ennustekaavioita ja -taulukkoa ei näytetä.",
        "accuracy": "Ennusteiden tarkkuus",
        "accuracy_intro_area": "Kuinka osuvia tällaiset ennusteet ovat olleet? Takautuvassa testissä tämän alueen "
        "ennusteita verrattiin toteutuneisiin (viimeisimmän julkaisun 24 lähtökuukautta).",
        "accuracy_intro_level": "Kuinka osuvia tällaiset ennusteet ovat olleet? Tälle alueelle ei ole omia "
        "arvioituja ennusteita, joten luvut ovat kaikkien työllisyysalueiden takautuvasta testistä yhdessä.",
        "accuracy_horizon": "{indicator}, {h} kuukautta eteenpäin: keskimääräinen virhe {mae} (MAPE {mape}). "
        "Toteuma osui 80 %:n ennustevälin sisään {coverage} tapauksista ({n} ennustetta), {coverage_verdict}. "
        "ETS {verdict} kausinaiivi vertailuennuste (virheiden suhde {relative}).",
        "accuracy_mixed": "{indicator}: tälle alueelle vain osittain arvioitu; luvut ovat kaikkien "
        "työllisyysalueiden testistä.",
        "coverage_about": "suunnilleen niin usein kuin pitääkin",
        "coverage_low": "harvemmin kuin pitäisi, eli välit ovat liian kapeita",
        "coverage_high": "useammin kuin pitäisi, eli välit ovat tarpeettoman leveitä",
        "verdict_clearly": "oli selvästi tarkempi kuin",
        "verdict_slightly": "oli hieman tarkempi kuin",
        "verdict_not": "ei ollut tarkempi kuin",
        "few": " Arvioituja ennusteita on vähän, joten luvut ovat suuntaa antavia.",
        "stored": "Aiemmista julkaisuista tallennettuja ennusteita on verrattu myöhemmin julkaistuihin "
        "toteumiin: {indicator}, {h} kuukautta eteenpäin, {n} ennustetta, keskimääräinen virhe {mae}; toteuma "
        "osui 80 %:n välin sisään {coverage} tapauksista.",
        "no_accuracy": "Ennusteiden tarkkuudesta ei ole arviota (mart_forecast_accuracy puuttuu tai on tyhjä).",
        "persons": "henkeä",
        "cost": "Kunnan osarahoittaman työttömyysturvan kustannusnäkymä",
        "cost_sentence": "Jaksolla {first}–{last} kuntien osuuden kunnan osarahoittamasta työttömyysturvasta "
        "arvioidaan olevan yhteensä {share} milj. € (kuukausien 80 %:n vaihteluvälien summa {lo}–{hi} milj. €), "
        "{comparison} edellisten {months} kuukauden aikana ({p_first}–{p_last}) toteutunut {previous} milj. € "
        "(Kelan tilasto).",
        "cost_more": "enemmän kuin",
        "cost_less": "vähemmän kuin",
        "cost_same": "suunnilleen saman verran kuin",
        "cost_caption": "Kuntien osuus ja maksetut eurot: toteutunut ja näkymä",
        "cost_period": "Jakso",
        "cost_share": "Kuntien osuus (milj. €)",
        "cost_paid": "Maksettu yhteensä (milj. €)",
        "cost_actual": "Toteutunut {first}–{last}",
        "cost_forecast": "Näkymä {first}–{last}",
        "cost_band": "Näkymä, 80 %:n vaihteluvälien summa",
        "cost_note": "Näkymä perustuu Kelan tilastoon sovitettuun virtamalliin: saajat siirtyvät kertyneiden "
        "päivien luokasta toiseen "
        "viimeisimpien 12 kuukausiparin keskimääräisillä osuuksilla, ja hinnat ovat kolmen viimeisimmän kuukauden "
        "tasolla. Vaihteluväli on suuntaa antava, ei kalibroitu; kuukausittaisten välien summa on leveämpi kuin "
        "koko vuoden summan väli olisi. Viimeisimmät kuukaudet ovat alustavia.",
        "cost_reform": "Yleistuki korvasi työmarkkinatuen ja peruspäivärahan {date}: vertailujaksolla ne on "
        "laskettu yhteen, ja näkymän siirtymäosuudet on arvioitu ilman uudistuksen ylittävää kuukausiparia.",
        "no_cost": "Kustannusnäkymää ei ole tälle alueelle ja kuukaudelle (Kelan aineisto tai "
        "mart_benefit_cost_outlook puuttuu tästä julkaisusta, tai näkymä alkaa vasta raportin kuukauden jälkeen).",
        "scenarios_caption": "Kumppanien skenaariot: muutos perusuraan {months} kuukauden aikana",
        "scenario": "Skenaario",
        "scenario_share": "Kuntien osuus, muutos (milj. €)",
        "scenario_paid": "Maksettu yhteensä, muutos (milj. €)",
        "scenarios_note": "Skenaariot ovat tiedostosta dbt_project/seeds/benefit_cost_scenarios.csv; mukana "
        "toimitetut rivit ovat esimerkkejä, eivät sovittuja oletuksia.",
        "no_scenarios": "Skenaarioita ei ole tälle alueelle ja kuukaudelle (mart_benefit_cost_scenarios puuttuu "
        "tai on tyhjä, tai näkymä alkaa vasta raportin kuukauden jälkeen).",
    },
    "sv": {
        "outlook": "Utsikter",
        "intro": "Siffrorna i detta avsnitt är statistiska prognoser, inte mål eller beslut: de förlänger "
        "seriernas trend och säsongsvariation (ETS-metoden) och känner inte till kommande beslut eller "
        "konjunkturvändningar. Prognoserna är gjorda på den datapublicering vars senaste månad är {month} "
        "(källan uppdaterad {updated}).",
        "intro_older": " För denna månad har ingen prognos gjorts ännu, så utsikterna är från föregående publicering.",
        "sample": "Prognoserna och deras träffsäkerhet är beräknade på exempeldata och säger ingenting om den "
        "verkliga utvecklingen.",
        "fan_alt": "Solfjäderdiagram: {indicator}, utfall {start}–{end} och ETS-prognos {first}–{last} med "
        "prognosintervall på 80 % och 95 % samt säsongsnaiv jämförelse som streckad linje.",
        "fan_alt_lower": " Prognosen vilar på nedre gränser (snedstreckad): det verkliga värdet är minst detta.",
        "legend_actual": "Utfall",
        "legend_point": "Prognos (ETS)",
        "legend_point_lower": "Prognos (ETS), nedre gräns ≥",
        "legend_80": "Prognosintervall 80 %",
        "legend_95": "Prognosintervall 95 %",
        "legend_baseline": "Säsongsnaiv (jämförelse)",
        "table_caption": "Prognoser {first}–{last}: punktprognos och prognosintervall på 80 %",
        "months_ahead": "{h} mån",
        "lower_note": "{names}: prognosen vilar på summor som är nedre gränser (sekretessbelagda celler i "
        "medlemskommuner), så siffrorna är minst så stora (≥), inte exakta.",
        "no_forecasts": "Det finns inga prognoser för området från data publicerade fram till denna månad "
        "(mart_forecast saknas eller är tom), så prognosdiagram och -tabell visas inte.",
        "accuracy": "Prognosernas träffsäkerhet",
        "accuracy_intro_area": "Hur träffsäkra har sådana prognoser varit? I ett test i efterhand jämfördes "
        "områdets prognoser med utfallen (den senaste publiceringens 24 utgångsmånader).",
        "accuracy_intro_level": "Hur träffsäkra har sådana prognoser varit? För området finns inga egna "
        "bedömda prognoser, så siffrorna kommer från testet i efterhand för alla sysselsättningsområden "
        "tillsammans.",
        "accuracy_horizon": "{indicator}, {h} månader framåt: genomsnittligt fel {mae} (MAPE {mape}). Utfallet "
        "låg inom prognosintervallet på 80 % i {coverage} av fallen ({n} prognoser), {coverage_verdict}. ETS "
        "{verdict} den säsongsnaiva jämförelsen (felkvot {relative}).",
        "accuracy_mixed": "{indicator}: bara delvis bedömd för området; siffrorna kommer från testet för alla "
        "sysselsättningsområden.",
        "coverage_about": "ungefär så ofta som det ska",
        "coverage_low": "mer sällan än det borde, dvs. intervallen är för smala",
        "coverage_high": "oftare än det borde, dvs. intervallen är onödigt breda",
        "verdict_clearly": "var klart träffsäkrare än",
        "verdict_slightly": "var något träffsäkrare än",
        "verdict_not": "var inte träffsäkrare än",
        "few": " Få prognoser har bedömts, så siffrorna är vägledande.",
        "stored": "Prognoser sparade från tidigare publiceringar har jämförts med utfall som publicerats "
        "senare: {indicator}, {h} månader framåt, {n} prognoser, genomsnittligt fel {mae}; utfallet låg inom "
        "intervallet på 80 % i {coverage} av fallen.",
        "no_accuracy": "Det finns ingen bedömning av prognosernas träffsäkerhet (mart_forecast_accuracy saknas "
        "eller är tom).",
        "persons": "personer",
        "cost": "Kostnadsutsikter för arbetslöshetsskyddet som kommunen delfinansierar",
        "cost_sentence": "Under perioden {first}–{last} beräknas kommunernas andel av arbetslöshetsskyddet som "
        "kommunen delfinansierar uppgå till sammanlagt {share} milj. € (summan av månadernas intervall på "
        "80 %: {lo}–{hi} milj. €), {comparison} utfallet {previous} milj. € under de föregående {months} månaderna "
        "({p_first}–{p_last}, FPA:s statistik).",
        "cost_more": "mer än",
        "cost_less": "mindre än",
        "cost_same": "ungefär lika mycket som",
        "cost_caption": "Kommunernas andel och utbetalda euro: utfall och utsikter",
        "cost_period": "Period",
        "cost_share": "Kommunernas andel (milj. €)",
        "cost_paid": "Utbetalt totalt (milj. €)",
        "cost_actual": "Utfall {first}–{last}",
        "cost_forecast": "Utsikter {first}–{last}",
        "cost_band": "Utsikter, summan av intervallen på 80 %",
        "cost_note": "Utsikterna är en flödesmodell på FPA:s statistik: mottagarna flyttar mellan klasserna av "
        "ackumulerade dagar med de genomsnittliga andelarna för de senaste 12 månadsparen, och priserna är på "
        "de tre senaste månadernas nivå. Intervallet är vägledande, inte kalibrerat; summan av månadernas "
        "intervall är bredare än årssummans eget intervall. De senaste månaderna är preliminära.",
        "cost_reform": "Yleistuki (allmänt stöd) ersatte arbetsmarknadsstödet och grunddagpenningen {date}: "
        "under jämförelseperioden är de sammanräknade, och utsikternas andelar är skattade utan månadsparet "
        "över reformen.",
        "no_cost": "Det finns inga kostnadsutsikter för området och månaden (FPA:s data eller "
        "mart_benefit_cost_outlook saknas i denna publicering, eller utsikterna börjar först efter rapportens "
        "månad).",
        "scenarios_caption": "Partnernas scenarier: förändring mot grundbanan under {months} månader",
        "scenario": "Scenario",
        "scenario_share": "Kommunernas andel, förändring (milj. €)",
        "scenario_paid": "Utbetalt totalt, förändring (milj. €)",
        "scenarios_note": "Scenarierna kommer från filen dbt_project/seeds/benefit_cost_scenarios.csv; de "
        "medföljande raderna är exempel, inte överenskomna antaganden.",
        "no_scenarios": "Det finns inga scenarier för området och månaden (mart_benefit_cost_scenarios saknas "
        "eller är tom, eller utsikterna börjar först efter rapportens månad).",
    },
    "en": {
        "outlook": "Outlook",
        "intro": "The figures in this section are statistical forecasts, not targets or decisions: they carry on "
        "each series' trend and seasonal pattern (the ETS method) and know nothing of coming decisions or turns "
        "in the economy. They were made from the data release whose latest month is {month} (source updated "
        "{updated}).",
        "intro_older": " No forecast has been made from this month's data yet, so the outlook is from the "
        "previous release.",
        "sample": "The forecasts and their accuracy are computed from the sample data and say nothing about the "
        "real course of events.",
        "fan_alt": "Fan chart: {indicator}, actual {start}–{end} and the ETS forecast {first}–{last} with 80% and "
        "95% prediction intervals and the seasonal-naive baseline dashed.",
        "fan_alt_lower": " The forecast rests on lower bounds (hatched): the true value is at least this.",
        "legend_actual": "Actual",
        "legend_point": "Forecast (ETS)",
        "legend_point_lower": "Forecast (ETS), lower bound ≥",
        "legend_80": "80% prediction interval",
        "legend_95": "95% prediction interval",
        "legend_baseline": "Seasonal naive (baseline)",
        "table_caption": "Forecasts {first}–{last}: point forecast and 80% prediction interval",
        "months_ahead": "{h} mo",
        "lower_note": "{names}: the forecast rests on sums that are lower bounds (suppressed member-municipality "
        "cells), so the figures are at least this large (≥), not exact.",
        "no_forecasts": "There are no forecasts for the area from the data released up to this month "
        "(mart_forecast is missing or empty), so the forecast charts and table are not shown.",
        "accuracy": "How accurate the forecasts have been",
        "accuracy_intro_area": "How accurate have such forecasts been? A backtest compared this area's forecasts "
        "with the outcomes (the latest release's 24 forecast origins).",
        "accuracy_intro_level": "How accurate have such forecasts been? This area has no scored forecasts of its "
        "own, so the figures are from the backtest of all employment areas together.",
        "accuracy_horizon": "{indicator}, {h} months ahead: typical error {mae} (MAPE {mape}). The outcome fell "
        "inside the 80% interval in {coverage} of cases ({n} forecasts), {coverage_verdict}. ETS {verdict} the "
        "seasonal-naive baseline (error ratio {relative}).",
        "accuracy_mixed": "{indicator}: only partly scored for this area; the figures are from all employment "
        "areas together.",
        "coverage_about": "about as often as it should",
        "coverage_low": "less often than it should, so the intervals are too narrow",
        "coverage_high": "more often than it should, so the intervals are wider than needed",
        "verdict_clearly": "was clearly more accurate than",
        "verdict_slightly": "was slightly more accurate than",
        "verdict_not": "was not more accurate than",
        "few": " Few forecasts have been scored, so read these figures as indicative.",
        "stored": "Forecasts stored from earlier releases have been scored against outcomes published later: "
        "{indicator}, {h} months ahead, {n} forecasts, typical error {mae}; the outcome fell inside the 80% "
        "interval in {coverage} of cases.",
        "no_accuracy": "There is no record of the forecasts' accuracy (mart_forecast_accuracy is missing or empty).",
        "persons": "persons",
        "cost": "Cost outlook of the municipally co-financed unemployment benefit",
        "cost_sentence": "Over {first}–{last} the municipalities' share of the co-financed unemployment benefit "
        "is projected at €{share} million in total (the months' 80% bands summed: €{lo}–{hi} million), "
        "{comparison} the €{previous} million of the previous {months} months ({p_first}–{p_last}, Kela's "
        "statistics).",
        "cost_more": "more than",
        "cost_less": "less than",
        "cost_same": "about the same as",
        "cost_caption": "Municipal share and euros paid: actual and outlook",
        "cost_period": "Period",
        "cost_share": "Municipal share (€ million)",
        "cost_paid": "Paid in total (€ million)",
        "cost_actual": "Actual {first}–{last}",
        "cost_forecast": "Outlook {first}–{last}",
        "cost_band": "Outlook, monthly 80% bands summed",
        "cost_note": "The outlook is a flow model on Kela's statistics: recipients move between the "
        "accumulated-days classes at the mean rates of the latest 12 month pairs, priced at the level of the "
        "latest three months. The band is a guide, not a calibrated interval; the monthly bands summed are "
        "wider than a band of the year's sum would be. The latest months are provisional.",
        "cost_reform": "Yleistuki replaced työmarkkinatuki and peruspäiväraha on {date}: the comparison period "
        "adds them up, and the outlook's rates were estimated without the month pair across the reform.",
        "no_cost": "There is no cost outlook for the area and month (Kela's data or mart_benefit_cost_outlook is "
        "missing from this release, or the outlook starts only after the report's month).",
        "scenarios_caption": "Partners' scenarios: change from the baseline over {months} months",
        "scenario": "Scenario",
        "scenario_share": "Municipal share, change (€ million)",
        "scenario_paid": "Paid in total, change (€ million)",
        "scenarios_note": "The scenarios come from dbt_project/seeds/benefit_cost_scenarios.csv; the rows shipped "
        "are examples, not agreed assumptions.",
        "no_scenarios": "There are no scenarios for the area and month (mart_benefit_cost_scenarios is missing or "
        "empty, or the outlook starts only after the report's month).",
    },
}


def coverage_verdict(coverage_pct: float) -> str:
    """`about`, `low` or `high`: how the 80 % interval's hit rate compares with 80 %."""
    if coverage_pct < NOMINAL_COVERAGE - COVERAGE_TOLERANCE:
        return "low"
    if coverage_pct > NOMINAL_COVERAGE + COVERAGE_TOLERANCE:
        return "high"
    return "about"


def baseline_verdict(relative: float) -> str:
    """`clearly`, `slightly` or `not`: whether ETS beat the seasonal-naive baseline (MAE ratio below 1)."""
    if relative < CLEARLY_BETTER:
        return "clearly"
    if relative < 1:
        return "slightly"
    return "not"


def _error(num: NumberRenderer, figure: object, unit: str, lang: str) -> Markup:
    """A mean absolute error in the indicator's unit: persons as a count, a rate in percentage points."""
    if unit == "percent":
        return num(figure, "points") + Markup('<span class="unit">{}</span>').format(POINTS_UNIT[lang])
    return num(figure, unit) + Markup("\u00a0{}").format(OUTLOOK_LABELS[lang]["persons"])


def accuracy_sentences(outlook: Outlook, names: dict[str, dict[str, str]], lang: str) -> list[Markup]:
    """The accuracy paragraph: which record it is (the area's own or its level's), then one sentence per horizon."""
    words = OUTLOOK_LABELS[lang]
    num = NumberRenderer(lang)
    if not outlook.accuracy:
        return [Markup(words["no_accuracy"])]
    scopes = {a.scope for rows in outlook.accuracy.values() for a in rows}
    out = [Markup(words["accuracy_intro_area" if "area" in scopes else "accuracy_intro_level"])]
    few = False
    for indicator, rows in outlook.accuracy.items():
        name = names.get(indicator, {}).get(lang, indicator)
        if "area" in scopes and rows[0].scope == "area_level":
            out.append(Markup(words["accuracy_mixed"]).format(indicator=name))
        unit = "percent" if indicator == "unemployment_rate" else "persons"
        for a in rows:
            out.append(_horizon_sentence(a, name, unit, num, lang))
            few = few or (a.forecasts.value is not None and a.forecasts.value < FEW_FORECASTS)
    if few:
        out[-1] += Markup(words["few"])
    for indicator, rows in outlook.stored_accuracy.items():
        name = names.get(indicator, {}).get(lang, indicator)
        unit = "percent" if indicator == "unemployment_rate" else "persons"
        for a in rows:
            out.append(
                Markup(words["stored"]).format(
                    indicator=name,
                    h=a.horizon,
                    n=num(a.forecasts),
                    mae=_error(num, a.mae, unit, lang),
                    coverage=num(a.coverage_80, "percent"),
                )
            )
    return out


def _horizon_sentence(a: Accuracy, name: str, unit: str, num: NumberRenderer, lang: str) -> Markup:
    words = OUTLOOK_LABELS[lang]
    coverage = a.coverage_80.value
    relative = a.relative_to_snaive.value
    return Markup(words["accuracy_horizon"]).format(
        indicator=name,
        h=a.horizon,
        mae=_error(num, a.mae, unit, lang),
        mape=num(a.mape, "percent"),
        coverage=num(a.coverage_80, "percent"),
        n=num(a.forecasts),
        coverage_verdict=words[f"coverage_{coverage_verdict(coverage)}"] if coverage is not None else "–",
        verdict=words[f"verdict_{baseline_verdict(relative)}"] if relative is not None else words["verdict_not"],
        relative=num(a.relative_to_snaive, "relative"),
    )


def intro(outlook: Outlook, report_month: dt.date, is_sample: bool, lang: str) -> list[str]:
    """What the section is (forecasts, not targets), which release it was made from, and the sample mark."""
    words = OUTLOOK_LABELS[lang]
    out = []
    if outlook.release_month is not None:
        updated = format_day(outlook.source_updated_at.date() if outlook.source_updated_at else None, lang)
        text = words["intro"].format(month=format_month(outlook.release_month, lang), updated=updated)
        if outlook.release_month < report_month:
            text += words["intro_older"]
        out.append(text)
    if is_sample:
        out.append(words["sample"])
    return out


def lower_bound_note(forecasts: dict[str, ForecastSeries], lang: str) -> str | None:
    """Which forecasts rest on lower bounds, said once under the table; None when every forecast is exact."""
    lower = [f.name[lang] for f in forecasts.values() if f.is_lower_bound]
    if not lower:
        return None
    return OUTLOOK_LABELS[lang]["lower_note"].format(names=", ".join(lower))


def cost_comparison(cost: CostOutlook) -> str:
    """`more`, `less` or `same`: the previous 12 months against the outlook's band (same when inside it)."""
    previous = cost.previous_municipal_share.value
    low, high = cost.municipal_share_lower.value, cost.municipal_share_upper.value
    if previous is None or low is None or high is None:
        return "same"
    if previous < low:
        return "more"
    if previous > high:
        return "less"
    return "same"


def cost_sentences(cost: CostOutlook | None, lang: str) -> list[Markup]:
    """The cost outlook against the ledger's previous months, and the yleistuki break when it lies in them."""
    words = OUTLOOK_LABELS[lang]
    if cost is None:
        return [Markup(words["no_cost"])]
    num = NumberRenderer(lang)
    out = [
        Markup(words["cost_sentence"]).format(
            first=format_short_month(cost.first_month, lang),
            last=format_short_month(cost.last_month, lang),
            share=num(cost.municipal_share, "millions"),
            lo=num(cost.municipal_share_lower, "millions"),
            hi=num(cost.municipal_share_upper, "millions"),
            comparison=words[f"cost_{cost_comparison(cost)}"],
            months=cost.previous_months,
            previous=num(cost.previous_municipal_share, "millions"),
            p_first=format_short_month(cost.previous_start, lang),
            p_last=format_short_month(cost.previous_end, lang),
        )
    ]
    if cost.reform_month is not None and cost.previous_start < cost.reform_month <= cost.jump_off_month:
        out.append(Markup(words["cost_reform"]).format(date=format_day(cost.reform_month, lang)))
    return out
