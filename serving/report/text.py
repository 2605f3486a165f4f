"""Words of the report in Finnish, Swedish and English: labels, number formats and the written sentences.

Numbers are formatted with Babel in the report language (Finnish: non-breaking space as thousands
separator, decimal comma). Every number is rendered as `<data value=… data-ref=…>`, so the shown text,
the exact value and its mart of origin travel together; the sentences are filled from the same data
by fixed templates (no external service).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from markupsafe import Markup

from serving.report.data import Bound, Figure, IndicatorFigures, ReportData, supported_direction

LANGUAGES = ("fi", "sv", "en")
LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
PERCENT_SIGN = {"fi": "\u00a0%", "sv": "\u00a0%", "en": "%"}
# A change of a rate or share is a difference of two percentages: percentage points, never per cent.
POINTS_UNIT = {"fi": "\u00a0%-yks.", "sv": "\u00a0procentenheter", "en": "\u00a0percentage points"}
DECIMALS = {
    "persons": 0,
    "vacancies": 0,
    "percent": 1,
    "points": 1,
    "ratio": 3,
    "euros": 0,
    "count": 0,
    "relative": 2,  # a forecast's error relative to the baseline's
    "millions": 2,  # euros in millions (cost outlook)
}

LABELS: dict[str, dict[str, str]] = {
    "fi": {
        "title": "Työmarkkinoiden alueellinen tilannekuva",
        "sample_banner": "ESIMERKKIAINEISTO — luvut ovat synteettisiä eivätkä ole virallisia tilastoja.",
        "published": "Julkaistu",
        "summary": "Tiivistelmä",
        "headlines": "Pääluvut",
        "year_ago": "vuosi sitten",
        "change_year": "muutos vuodessa",
        "benefit_cost": "Kunnan osarahoittama työttömyysturva, maksettu (€/kk)",
        "provisional": "alustava",
        "trend": "Työttömyysasteen kehitys",
        "trend_alt": "Viivakaavio: {area} työttömyysaste {start}–{end} verrattuna maakuntaan, koko maahan ja "
        "vertailualueisiin {peers}.",
        "trend_caption": "Työttömyysaste (%) vuosittain samana kuukautena",
        "area": "Alue",
        "region": "Maakunta",
        "country": "Koko maa",
        "peers": "Vertailualueet",
        "month": "Kuukausi",
        "peer_position": "Sijoittuminen vertailualueisiin",
        "peer_caption": "Alue ja sen viisi rakenteeltaan samankaltaisinta työllisyysaluetta",
        "compared": "Verrataan",
        "peer_median": "Vertailualueiden mediaani",
        "peer_range": "Vaihteluväli",
        "rank_in_group": "Sija ryhmässä",
        "measure_value": "arvo",
        "measure_change_12m_pct": "muutos vuodessa %",
        "peer_note": "Sija 1 on suotuisin. Määriä verrataan muutoksena vuodessa, suhdelukuja arvona; alarajoja ei "
        "verrata.",
        "groups": "Väestöryhmät",
        "groups_caption": "Työttömät ryhmittäin ja muutos vuodessa",
        "groups_alt": "Pylväskaavio: ryhmien työttömien muutos vuodessa prosentteina.",
        "indicator": "Indikaattori",
        "value": "Arvo",
        "change_pct": "Muutos %",
        "vacancies": "Avoimet työpaikat ja kohtaanto",
        "vacancies_caption": "Avoimet työpaikat ja työmarkkinoiden kireys",
        "vacancies_alt": "Pylväskaavio: avoimet työpaikat kuukausittain {start} – {end}.",
        "occupations": "Pula- ja ylitarjonta-ammatit",
        "shortage": "Pula-ammatit",
        "surplus": "Ylitarjonta-ammatit",
        "occupation": "Ammatti",
        "unemployed": "Työttömät",
        "open_vacancies": "Avoimet paikat",
        "ratio_12m": "Paikkoja / työtön (12 kk)",
        "none": "Ei yhtään tässä kuussa.",
        "business": "Yritysten aloitukset, lopetukset ja konkurssit",
        "business_missing": "Yritysdynamiikan aineisto (mart_business_dynamics) ei ole vielä saatavilla "
        "tässä julkaisussa.",
        "period": "Jakso",
        "source": "Lähde",
        "openings": "Aloittaneet",
        "closures": "Lopettaneet",
        "net_change": "Nettomuutos",
        "bankruptcies": "Konkurssit",
        "stock": "Yrityskanta",
        "restructurings": "Saneeraukset",
        "business_prh": "PRH:n yritysrekisteri kuukausittain: rekisteröinnit, lopettamiset, konkurssit ja saneeraukset",
        "business_statfin": "Tilastokeskus neljännesvuosittain: aloittaneet ja lopettaneet yritykset, yrityskanta",
        "business_note": "Lähteet laskevat eri tavoin (rekisterimerkintä ei ole tilaston toimiva yritys), joten "
        "niitä ei yhdistetä. Tilastokeskuksen konkurssit ovat vain maakunta- ja koko maan tasolla (..).",
        "kpis": "Tavoitteet ja niiden tila",
        "kpis_example": "Esimerkkitavoitteet ja niiden tila",
        "kpi_caption": "Kumppanien sopimat tavoitteet",
        "kpi_caption_example": "Esimerkkitavoitteet, ei kumppanien sopimia: korvatkaa ne omillanne (ks. README)",
        "kpi_caption_mixed": "Kumppanien sopimat tavoitteet ja esimerkkitavoitteet (merkitty)",
        "no_targets": "Alueelle ei ole asetettu tavoitteita. Tavoitteet lisätään riveinä tiedostoon "
        "dbt_project/seeds/kpi_targets.csv (ohje README-tiedoston kohdassa Monthly report, Targets are examples "
        "until you replace them), minkä jälkeen ajetaan tilannekuva refresh.",
        "baseline": "Lähtötaso",
        "target": "Tavoite",
        "expected": "Uran mukaan nyt",
        "actual": "Toteutunut",
        "status": "Tila",
        "example_note": "esimerkkitavoite, ei sovittu",
        "alerts": "Kuukauden hälytykset",
        "severity": "Vakavuus",
        "no_alerts": "Ei hälytyksiä tässä kuussa: jokainen tarkka (ei alaraja-) arvo pysyi trendin ja "
        "kausivaihtelun ennustamalla vaihteluvälillä, yhdenkään trendin 12 kuukauden muutos ei poikennut sarjan "
        "tavallisista, yksikään lähde ei ole vanhentunut tai myöhässä, eikä salattujen solujen osuus hypännyt.",
        "alerts_note_unusual_month": "Poikkeuksellinen kuukausi: kuukauden arvo on trendin ja tavallisen "
        "kausivaihtelun perusteella odotetun vaihteluvälin ulkopuolella (poikkeama yli {k}-kertainen alueen "
        "tavalliseen kuukausivaihteluun nähden).",
        "alerts_note_unusual_change_12m": "Poikkeuksellinen vuosimuutos: trendin 12 kuukauden muutos poikkeaa "
        "sarjan edellisten 60 kuukauden tavallisesta vuosimuutoksesta yli {k}-kertaisesti vuosimuutosten "
        "tavalliseen hajontaan nähden.",
        "alerts_note_targets": "Tavoitteiden tila on edellisessä kohdassa.",
        "municipalities": "Jäsenkunnat",
        "municipalities_caption": "Jäsenkuntien luvut",
        "municipality": "Kunta",
        "unemployment_rate": "Työttömyysaste %",
        "unemployed_change": "Työttömät, muutos %",
        "sources": "Lähteet, julkaisut ja huomautukset",
        "sources_caption": "Aineistot ja niiden julkaisut",
        "dataset": "Aineisto",
        "source_table": "Lähdetaulu",
        "released": "Lähteen julkaisu",
        "latest_period": "Viimeisin jakso",
        "next_release": "Seuraava julkaisu",
        "state": "Tila",
        "stale": "vanhentunut",
        "not_available": "ei vielä saatavilla",
        "overdue": "myöhässä",
        "current": "ajan tasalla",
        "caveat_suppressed": "Alueen jäsenkuntien luvuista {n} solua on salattu (..); niiden yli lasketut summat "
        "ovat alarajoja (merkitty ≥).",
        "caveat_lower": "Alarajoja tässä kuussa: {list}.",
        "caveat_unknown": "Koko maan avoimista työpaikoista {pct} on ilmoitettu ilman kuntaa, joten alueen "
        "avoimet työpaikat aliarvioivat todellista määrää.",
        "caveat_sources": "Luvut: Tilastokeskus, työnvälitystilasto (KEHA-keskus), väestörakenne, "
        "yritysten aloittaneet ja lopettaneet sekä konkurssit; PRH, yritysrekisteri; Kela, kunnan osarahoittama "
        "työttömyysturva. Tiedot tilannekuva-putken julkaisemasta tietovarastosta.",
        "missing": "ei tietoa",
        "rank": "sija {rank}/{count} manner-Suomen työllisyysalueista",
        "status_on_track": "aikataulussa",
        "status_at_risk": "vaarassa",
        "status_off_track": "jäljessä",
        "severity_high": "korkea",
        "severity_medium": "keskitaso",
        "severity_low": "matala",
        "severity_info": "tieto",
        "source_prh": "PRH (rekisteri)",
        "source_statfin": "Tilastokeskus",
        "basis_month_value": "kuukauden arvo",
        "basis_rolling_12m_average": "12 kk keskiarvo",
        "contents": "Sisältö",
        "not_comparable": "ei vertailukelpoinen",
        "lower_bound": "alaraja",
        "upper_bound": "yläraja",
        "change_month": "muutos kuukaudessa",
        "trend_series": "trendi (kausitasoitettu)",
        "trend_note": "Katkoviiva on alueen työttömyysasteen trendi (STL-kausitasoitus); sen kuusi viimeisintä "
        "kuukautta tarkentuvat uusien kuukausien myötä.",
        "trend_missing": "Työttömyysasteelle ei ole arvoja ennen kuukautta {month}, joten kehityskaaviota ei piirretä.",
        "trend_short": "Aineiston ensimmäinen kuukausi on {start}; kaavio kattaa jakson {start} – {end}.",
        "trend_single": "Aineiston ensimmäinen kuukausi on {start}, joten kaaviossa on vain se.",
        "groups_missing": "Muutosta vuodessa ei voi laskea: aineiston ensimmäinen kuukausi on {start}, joten "
        "vuotta aiempaa kuukautta ei ole.",
        "groups_no_change": "Muutosta vuodessa ei kaavioida, koska luvut ovat alarajoja tai puuttuvat.",
        "vacancies_missing": "Avoimista työpaikoista ei ole kuukausilukuja tälle jaksolle.",
        "occupations_outside": "Ammattiaineisto kattaa viimeisimmät {n} kuukautta ({start}–{end}); tälle kuulle "
        "ei ole ammattikohtaisia tietoja.",
        "occupation_footnote": "* Luokitus perustuu osin alarajoihin: osa jäsenkuntien ammattisoluista on salattu "
        "(..), joten todelliset luvut voivat olla suurempia.",
        "peer_missing": "Vertailu vertailualueisiin lasketaan vain viimeisimmälle kuukaudelle ({month}).",
        "unemployed_men": "Työttömät miehet",
        "unemployed_women": "Työttömät naiset",
        "municipality_year_ago": "vuosi sitten",
        "rate_change": "Työttömyysaste, muutos",
        "long_term_short": "Pitkäaikais\u00adtyöttömät",
        "under_25_short": "Alle 25-v.",
        "foreign_short": "Ulkomaan kansalaiset",
        "business_stock_note": "Yrityskannat eroavat, koska ne laskevat eri asioita: PRH:n luku on "
        "kaupparekisteriin merkityt yritykset, joiden kotipaikka on alueella (avoin YTJ-data; ei toiminimiä, "
        "asunto-osakeyhtiöitä eikä keskinäisiä kiinteistöosakeyhtiöitä), Tilastokeskuksen luku taas "
        "yritysrekisterin tilastossa toimivat yritykset, myös toiminimet.",
        "publisher": "Julkaisija",
        "table_title": "Taulukko",
        "period_covered": "Viimeisin jakso",
        "published_tz_note": "Ajat ovat Suomen aikaa (Europe/Helsinki).",
        "page": "sivu",
        "sample_short": "ESIMERKKIAINEISTO",
        "marks_legend": "Merkinnät: ≥ luku on alaraja, ≤ luku on yläraja, .. tieto puuttuu tai on salattu, – ei "
        "sovellu.",
    },
    "sv": {
        "title": "Regional lägesbild av arbetsmarknaden",
        "sample_banner": "EXEMPELDATA — siffrorna är syntetiska och inte officiell statistik.",
        "published": "Publicerad",
        "summary": "Sammanfattning",
        "headlines": "Nyckeltal",
        "year_ago": "för ett år sedan",
        "change_year": "förändring på ett år",
        "benefit_cost": "Arbetslöshetsskydd som kommunen delfinansierar, utbetalt (€/mån)",
        "provisional": "preliminär",
        "trend": "Arbetslöshetsgradens utveckling",
        "trend_alt": "Linjediagram: arbetslöshetsgraden i {area} {start}–{end} jämfört med landskapet, hela "
        "landet och jämförelseområdena {peers}.",
        "trend_caption": "Arbetslöshetsgrad (%) samma månad varje år",
        "area": "Område",
        "region": "Landskap",
        "country": "Hela landet",
        "peers": "Jämförelseområden",
        "month": "Månad",
        "peer_position": "Placering bland jämförelseområdena",
        "peer_caption": "Området och de fem sysselsättningsområden som liknar det mest",
        "compared": "Jämförs",
        "peer_median": "Jämförelseområdenas median",
        "peer_range": "Variationsbredd",
        "rank_in_group": "Plats i gruppen",
        "measure_value": "värde",
        "measure_change_12m_pct": "förändring på ett år %",
        "peer_note": "Plats 1 är den mest gynnsamma. Antal jämförs som förändring på ett år, kvoter som värde; nedre "
        "gränser jämförs inte.",
        "groups": "Befolkningsgrupper",
        "groups_caption": "Arbetslösa per grupp och förändring på ett år",
        "groups_alt": "Stapeldiagram: förändringen av antalet arbetslösa per grupp på ett år i procent.",
        "indicator": "Indikator",
        "value": "Värde",
        "change_pct": "Förändring %",
        "vacancies": "Lediga arbetsplatser och matchning",
        "vacancies_caption": "Lediga arbetsplatser och arbetsmarknadens stramhet",
        "vacancies_alt": "Stapeldiagram: lediga arbetsplatser per månad {start} – {end}.",
        "occupations": "Bristyrken och överskottsyrken",
        "shortage": "Bristyrken",
        "surplus": "Överskottsyrken",
        "occupation": "Yrke",
        "unemployed": "Arbetslösa",
        "open_vacancies": "Lediga platser",
        "ratio_12m": "Platser / arbetslös (12 mån)",
        "none": "Inga denna månad.",
        "business": "Nystartade och nedlagda företag samt konkurser",
        "business_missing": "Data om företagsdynamik (mart_business_dynamics) finns ännu inte i denna publicering.",
        "period": "Period",
        "source": "Källa",
        "openings": "Nystartade",
        "closures": "Nedlagda",
        "net_change": "Nettoförändring",
        "bankruptcies": "Konkurser",
        "stock": "Företagsstock",
        "restructurings": "Saneringar",
        "business_prh": "PRH:s företagsregister per månad: registreringar, avslutade, konkurser och saneringar",
        "business_statfin": "Statistikcentralen per kvartal: nystartade och nedlagda företag, företagsstock",
        "business_note": "Källorna räknar olika (en registrering är inte ett aktivt företag i statistiken) och "
        "kombineras inte. Statistikcentralens konkurser finns bara på landskaps- och riksnivå (..).",
        "kpis": "Mål och deras läge",
        "kpis_example": "Exempelmål och deras läge",
        "kpi_caption": "Mål som partnerna kommit överens om",
        "kpi_caption_example": "Exempelmål, inte överenskomna av partnerna: ersätt dem med era egna (se README)",
        "kpi_caption_mixed": "Mål som partnerna kommit överens om och exempelmål (markerade)",
        "no_targets": "Inga mål har satts för området. Mål läggs till som rader i filen "
        "dbt_project/seeds/kpi_targets.csv (anvisning i README, avsnittet Monthly report, Targets are examples "
        "until you replace them), och därefter körs tilannekuva refresh.",
        "baseline": "Utgångsläge",
        "target": "Mål",
        "expected": "Enligt banan nu",
        "actual": "Utfall",
        "status": "Läge",
        "example_note": "exempelmål, inte överenskommet",
        "alerts": "Månadens varningar",
        "severity": "Allvarlighet",
        "no_alerts": "Inga varningar denna månad: varje exakt värde (inte en nedre gräns) höll sig inom det "
        "intervall som trenden och säsongsvariationen förutsäger, ingen trends 12-månadersförändring avvek från "
        "seriens vanliga, ingen källa är inaktuell eller försenad och andelen skyddade celler ökade inte kraftigt.",
        "alerts_note_unusual_month": "Ovanlig månad: månadens värde ligger utanför det intervall som trenden och "
        "den vanliga säsongsvariationen förutsäger (avvikelsen är över {k} gånger områdets vanliga "
        "månadsvariation).",
        "alerts_note_unusual_change_12m": "Ovanlig årsförändring: trendens förändring på 12 månader avviker från "
        "seriens vanliga årsförändring under de föregående 60 månaderna med över {k} gånger årsförändringarnas "
        "vanliga spridning.",
        "alerts_note_targets": "Målens läge finns i föregående avsnitt.",
        "municipalities": "Medlemskommuner",
        "municipalities_caption": "Medlemskommunernas siffror",
        "municipality": "Kommun",
        "unemployment_rate": "Arbetslöshetsgrad %",
        "unemployed_change": "Arbetslösa, förändring %",
        "sources": "Källor, publiceringar och förbehåll",
        "sources_caption": "Dataset och deras publiceringar",
        "dataset": "Dataset",
        "source_table": "Källtabell",
        "released": "Källans publicering",
        "latest_period": "Senaste period",
        "next_release": "Nästa publicering",
        "state": "Läge",
        "stale": "föråldrad",
        "not_available": "ännu inte tillgänglig",
        "overdue": "försenad",
        "current": "aktuell",
        "caveat_suppressed": "Av medlemskommunernas celler är {n} sekretessbelagda (..); summor över dem är "
        "nedre gränser (markerade ≥).",
        "caveat_lower": "Nedre gränser denna månad: {list}.",
        "caveat_unknown": "Av hela landets lediga arbetsplatser har {pct} anmälts utan kommun, så områdets lediga "
        "arbetsplatser underskattar det verkliga antalet.",
        "caveat_sources": "Siffror: Statistikcentralen, arbetsförmedlingsstatistik (KEHA-centret), "
        "befolkningsstruktur, nystartade och nedlagda företag samt konkurser; PRH, företagsregistret; FPA, "
        "kommunfinansierat arbetslöshetsskydd. Data ur datalagret som "
        "tilannekuva-pipelinen publicerar.",
        "missing": "uppgift saknas",
        "rank": "plats {rank}/{count} bland fastlandets sysselsättningsområden",
        "status_on_track": "enligt plan",
        "status_at_risk": "i fara",
        "status_off_track": "efter",
        "severity_high": "hög",
        "severity_medium": "medel",
        "severity_low": "låg",
        "severity_info": "info",
        "source_prh": "PRH (registret)",
        "source_statfin": "Statistikcentralen",
        "basis_month_value": "månadens värde",
        "basis_rolling_12m_average": "12 mån medeltal",
        "contents": "Innehåll",
        "not_comparable": "ej jämförbar",
        "lower_bound": "nedre gräns",
        "upper_bound": "övre gräns",
        "change_month": "förändring på en månad",
        "trend_series": "trend (säsongrensad)",
        "trend_note": "Den streckade linjen är områdets trend för arbetslöshetsgraden (STL-säsongrensning); dess "
        "sex senaste månader revideras när nya månader kommer.",
        "trend_missing": "Arbetslöshetsgraden saknar värden före {month}, så utvecklingsdiagrammet ritas inte.",
        "trend_short": "Datat börjar i {start}; diagrammet visar {start} – {end}.",
        "trend_single": "Datat börjar i {start}, så diagrammet visar bara den månaden.",
        "groups_missing": "Förändringen på ett år kan inte räknas: datat börjar i {start}, så månaden ett år "
        "tidigare saknas.",
        "groups_no_change": "Förändringen på ett år visas inte i diagram eftersom siffrorna är nedre gränser "
        "eller saknas.",
        "vacancies_missing": "Det finns inga månadsvärden för lediga arbetsplatser under perioden.",
        "occupations_outside": "Yrkesdatat täcker de senaste {n} månaderna ({start}–{end}); för denna månad "
        "finns inga uppgifter per yrke.",
        "occupation_footnote": "* Klassificeringen bygger delvis på nedre gränser: en del av medlemskommunernas "
        "yrkesceller är sekretessbelagda (..), så de verkliga talen kan vara större.",
        "peer_missing": "Jämförelsen med jämförelseområdena räknas bara för den senaste månaden ({month}).",
        "unemployed_men": "Arbetslösa män",
        "unemployed_women": "Arbetslösa kvinnor",
        "municipality_year_ago": "för ett år sedan",
        "rate_change": "Arbetslöshetsgrad, förändring",
        "long_term_short": "Långtids\u00adarbetslösa",
        "under_25_short": "Under 25 år",
        "foreign_short": "Utländska medborgare",
        "business_stock_note": "Företagsstockarna skiljer sig eftersom de räknar olika saker: PRH:s tal är "
        "företag i handelsregistret med hemort i området (öppna YTJ-data; inga enskilda näringsidkare, "
        "bostadsaktiebolag eller ömsesidiga fastighetsaktiebolag), Statistikcentralens tal är företag som "
        "är verksamma i företagsregistrets statistik, även enskilda näringsidkare.",
        "publisher": "Utgivare",
        "table_title": "Tabell",
        "period_covered": "Senaste period",
        "published_tz_note": "Tiderna är finsk tid (Europe/Helsinki).",
        "page": "sida",
        "sample_short": "EXEMPELDATA",
        "marks_legend": "Tecken: ≥ talet är en nedre gräns, ≤ talet är en övre gräns, .. uppgift saknas eller är "
        "sekretessbelagd, – ej tillämpligt.",
    },
    "en": {
        "title": "Regional situational picture of the labour market",
        "sample_banner": "SAMPLE DATA — synthetic figures, not official statistics.",
        "published": "Published",
        "summary": "Summary",
        "headlines": "Headline figures",
        "year_ago": "a year ago",
        "change_year": "change in a year",
        "benefit_cost": "Unemployment benefit co-financed by the municipalities, paid (€/month)",
        "provisional": "provisional",
        "trend": "Unemployment rate over time",
        "trend_alt": "Line chart: unemployment rate of {area} {start}–{end} against the region, the whole "
        "country and the peer areas {peers}.",
        "trend_caption": "Unemployment rate (%) in the same month of each year",
        "area": "Area",
        "region": "Region",
        "country": "Whole country",
        "peers": "Peer areas",
        "month": "Month",
        "peer_position": "Position among peer areas",
        "peer_caption": "The area and its five most similar employment areas",
        "compared": "Compared on",
        "peer_median": "Peer median",
        "peer_range": "Range",
        "rank_in_group": "Rank in group",
        "measure_value": "value",
        "measure_change_12m_pct": "change in a year %",
        "peer_note": "Rank 1 is the most favourable. Counts are compared on their change in a year, ratios on their "
        "value; lower bounds are left out.",
        "groups": "Groups",
        "groups_caption": "Unemployed by group and change in a year",
        "groups_alt": "Bar chart: change in the number of unemployed per group in a year, in percent.",
        "indicator": "Indicator",
        "value": "Value",
        "change_pct": "Change %",
        "vacancies": "Vacancies and tightness",
        "vacancies_caption": "Open vacancies and labour-market tightness",
        "vacancies_alt": "Bar chart: open vacancies by month, {start} – {end}.",
        "occupations": "Occupations in shortage and in surplus",
        "shortage": "Shortage occupations",
        "surplus": "Surplus occupations",
        "occupation": "Occupation",
        "unemployed": "Unemployed",
        "open_vacancies": "Open vacancies",
        "ratio_12m": "Vacancies / unemployed (12 mo)",
        "none": "None this month.",
        "business": "Business openings, closures and bankruptcies",
        "business_missing": "Business dynamics data (mart_business_dynamics) is not available in this publication yet.",
        "period": "Period",
        "source": "Source",
        "openings": "Openings",
        "closures": "Closures",
        "net_change": "Net change",
        "bankruptcies": "Bankruptcies",
        "stock": "Stock",
        "restructurings": "Restructurings",
        "business_prh": "PRH company register by month: registrations, terminations, bankruptcies and restructurings",
        "business_statfin": "Statistics Finland by quarter: enterprise openings, closures and stock",
        "business_note": "The two sources count differently (a register entry is not an active enterprise in the "
        "statistics) and are not combined. Statistics Finland's bankruptcies exist only for regions and the whole "
        "country (..).",
        "kpis": "Targets and their status",
        "kpis_example": "Example targets and their status",
        "kpi_caption": "Targets agreed by the partners",
        "kpi_caption_example": "Example targets, not agreed by the partners: replace them with your own (see the "
        "README)",
        "kpi_caption_mixed": "Targets agreed by the partners and example targets (marked)",
        "no_targets": "No targets are set for this area. Add them as rows of dbt_project/seeds/kpi_targets.csv "
        "(see the README, section Monthly report, Targets are examples until you replace them), then run "
        "tilannekuva refresh.",
        "baseline": "Baseline",
        "target": "Target",
        "expected": "Expected by now",
        "actual": "Actual",
        "status": "Status",
        "example_note": "an example target, not agreed",
        "alerts": "Alerts of the month",
        "severity": "Severity",
        "no_alerts": "No alerts this month: every exact value (not a lower bound) stayed within the range its "
        "trend and seasonal variation predict, no trend's 12-month change departed from the series' usual ones, no "
        "source is stale or overdue, and the share of suppressed cells did not jump.",
        "alerts_note_unusual_month": "Unusual month: the month's value lies outside the range that its trend and "
        "usual seasonal variation predict (a deviation over {k} times the area's usual month-to-month "
        "irregularity).",
        "alerts_note_unusual_change_12m": "Unusual change over 12 months: the trend's 12-month change departs from "
        "the series' usual 12-month change of the previous 60 months by over {k} times the usual spread of those "
        "changes.",
        "alerts_note_targets": "The targets' status is in the previous section.",
        "municipalities": "Member municipalities",
        "municipalities_caption": "Figures of the member municipalities",
        "municipality": "Municipality",
        "unemployment_rate": "Unemployment rate %",
        "unemployed_change": "Unemployed, change %",
        "sources": "Sources, releases and caveats",
        "sources_caption": "Datasets and their releases",
        "dataset": "Dataset",
        "source_table": "Source table",
        "released": "Source release",
        "latest_period": "Latest period",
        "next_release": "Next release",
        "state": "State",
        "stale": "stale",
        "not_available": "not yet available",
        "overdue": "overdue",
        "current": "current",
        "caveat_suppressed": "{n} cells of the member municipalities are suppressed (..); sums over them are lower "
        "bounds (marked ≥).",
        "caveat_lower": "Lower bounds this month: {list}.",
        "caveat_unknown": "{pct} of the whole country's open vacancies were reported without a municipality, so "
        "the area's open vacancies understate the true number.",
        "caveat_sources": "Figures: Statistics Finland, employment service statistics (KEHA Centre), population "
        "structure, enterprise openings and closures, bankruptcies; PRH, company register; Kela, municipally "
        "co-financed unemployment benefit. Data from the warehouse the "
        "tilannekuva pipeline publishes.",
        "missing": "no data",
        "rank": "rank {rank}/{count} among mainland employment areas",
        "status_on_track": "on track",
        "status_at_risk": "at risk",
        "status_off_track": "off track",
        "severity_high": "high",
        "severity_medium": "medium",
        "severity_low": "low",
        "severity_info": "info",
        "source_prh": "PRH (register)",
        "source_statfin": "Statistics Finland",
        "basis_month_value": "month's value",
        "basis_rolling_12m_average": "12-month average",
        "contents": "Contents",
        "not_comparable": "not comparable",
        "lower_bound": "lower bound",
        "upper_bound": "upper bound",
        "change_month": "change in a month",
        "trend_series": "trend (seasonally adjusted)",
        "trend_note": "The dashed line is the area's unemployment-rate trend (STL seasonal adjustment); its "
        "latest six months are revised as new months arrive.",
        "trend_missing": "The unemployment rate has no values before {month}, so no chart is drawn.",
        "trend_short": "The data start in {start}; the chart shows {start} – {end}.",
        "trend_single": "The data start in {start}, so the chart shows that month only.",
        "groups_missing": "The change in a year cannot be computed: the data start in {start}, so there is no "
        "month a year earlier.",
        "groups_no_change": "The change in a year is not charted because the figures are lower bounds or missing.",
        "vacancies_missing": "There are no monthly figures for open vacancies in this period.",
        "occupations_outside": "The occupation data cover the latest {n} months ({start}–{end}); there are no "
        "figures by occupation for this month.",
        "occupation_footnote": "* The class rests partly on lower bounds: some of the member municipalities' "
        "occupation cells are suppressed (..), so the true numbers may be larger.",
        "peer_missing": "The comparison with peer areas is computed for the latest month only ({month}).",
        "unemployed_men": "Unemployed men",
        "unemployed_women": "Unemployed women",
        "municipality_year_ago": "a year ago",
        "rate_change": "Unemployment rate, change",
        "long_term_short": "Long-term unemployed",
        "under_25_short": "Under 25",
        "foreign_short": "Foreign nationals",
        "business_stock_note": "The enterprise stocks differ because they count different things: PRH's figure "
        "is the companies in the trade register with their domicile in the area (open YTJ data; no sole "
        "traders, housing companies or mutual property companies), Statistics Finland's is the enterprises "
        "active in the statistics of the Business Register, sole traders included.",
        "publisher": "Publisher",
        "table_title": "Table",
        "period_covered": "Latest period",
        "published_tz_note": "Times are Finnish time (Europe/Helsinki).",
        "page": "page",
        "sample_short": "SAMPLE DATA",
        "marks_legend": "Marks: ≥ the number is a lower bound, ≤ an upper bound, .. missing or suppressed, – not "
        "applicable.",
    },
}


PUBLISHERS = {
    "statfin": {"fi": "Tilastokeskus", "sv": "Statistikcentralen", "en": "Statistics Finland"},
    "prh": {
        "fi": "Patentti- ja rekisterihallitus (PRH)",
        "sv": "Patent- och registerstyrelsen (PRH)",
        "en": "Finnish Patent and Registration Office (PRH)",
    },
    "kela": {"fi": "Kela", "sv": "FPA", "en": "Kela"},
    "classifications": {
        "fi": "Tilastokeskus, luokituspalvelu",
        "sv": "Statistikcentralen, klassifikationstjänsten",
        "en": "Statistics Finland, classification service",
    },
}
# A reader's title for each dataset; the source's own table id follows it in the sources table.
DATASET_TITLES = {
    "statfin/labour_market": {
        "fi": "Työnvälitystilasto: työnhakijat ja avoimet työpaikat kunnittain",
        "sv": "Arbetsförmedlingsstatistik: arbetssökande och lediga arbetsplatser per kommun",
        "en": "Employment service statistics: jobseekers and open vacancies by municipality",
    },
    "statfin/occupations": {
        "fi": "Työnvälitystilasto: työttömät ja avoimet työpaikat ammateittain",
        "sv": "Arbetsförmedlingsstatistik: arbetslösa och lediga arbetsplatser per yrke",
        "en": "Employment service statistics: unemployed and open vacancies by occupation",
    },
    "statfin/population": {
        "fi": "Väestörakenne: väestö kunnittain 31.12.",
        "sv": "Befolkningsstruktur: befolkning per kommun 31.12.",
        "en": "Population structure: population by municipality on 31 December",
    },
    "statfin/population_key_figures": {
        "fi": "Väestörakenteen tunnusluvut kunnittain",
        "sv": "Nyckeltal för befolkningsstrukturen per kommun",
        "en": "Key figures on population structure by municipality",
    },
    "statfin/business_dynamics": {
        "fi": "Aloittaneet ja lopettaneet yritykset kunnittain",
        "sv": "Nystartade och nedlagda företag per kommun",
        "en": "Enterprise openings and closures by municipality",
    },
    "statfin/bankruptcies": {
        "fi": "Konkurssit kuukausittain alueittain",
        "sv": "Konkurser per månad och område",
        "en": "Bankruptcies by month and region",
    },
    "prh/companies": {
        "fi": "Yritysrekisteri (YTJ:n avoin data)",
        "sv": "Företagsregistret (öppna YTJ-data)",
        "en": "Company register (YTJ open data)",
    },
    "kela/unemployment_benefit": {
        "fi": "Kunnan osarahoittama työttömyysturva",
        "sv": "Arbetslöshetsskydd som kommunen delfinansierar",
        "en": "Municipally co-financed unemployment benefit",
    },
    "classifications/municipality_areas": {
        "fi": "Kuntaluokitus ja aluejaot",
        "sv": "Kommunklassificering och regionindelningar",
        "en": "Municipality classification and regional divisions",
    },
    "classifications/industry_classification_2025": {
        "fi": "Toimialaluokitus 2025",
        "sv": "Näringsgrensindelning 2025",
        "en": "Standard Industrial Classification 2025",
    },
    "classifications/industry_tol2025_tol2008": {
        "fi": "Toimialaluokitusten vastaavuus TOL 2025 – TOL 2008",
        "sv": "Korrespondens mellan näringsgrensindelningarna TOL 2025 och TOL 2008",
        "en": "Correspondence between the industrial classifications TOL 2025 and TOL 2008",
    },
    "classifications/occupation_classification": {
        "fi": "Ammattiluokitus 2010",
        "sv": "Yrkesklassificering 2010",
        "en": "Classification of Occupations 2010",
    },
    "classifications/industry_classification": {
        "fi": "Toimialaluokitus 2008",
        "sv": "Näringsgrensindelning 2008",
        "en": "Standard Industrial Classification 2008",
    },
}


def check_language(lang: str) -> str:
    """The language if supported, else a one-sentence error."""
    from ingestion.errors import SettingsError

    if lang not in LANGUAGES:
        raise SettingsError(f"Unknown report language {lang!r}: choose one of {', '.join(LANGUAGES)}.")
    return lang


def format_number(value: float, lang: str, decimals: int = 0, signed: bool = False) -> str:
    """`value` in the language's number format (Finnish 18 272,5; English 18,272.5)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if signed:
        pattern = f"+{pattern};-{pattern}"
    return format_decimal(value, format=pattern, locale=LOCALES[lang])


def format_month(month: dt.date, lang: str) -> str:
    """'lokakuu 2026', 'oktober 2026', 'October 2026'."""
    return format_date(month, "LLLL yyyy", locale=LOCALES[lang])


def format_short_month(month: dt.date, lang: str) -> str:
    """'10/2026' in every language, for compact table rows and chart ticks."""
    return f"{month.month}/{month.year}"


def format_period(grain: str | None, start: dt.date | None, lang: str) -> str:
    """A period in one style per language: months as 'lokakuu 2026', quarters '2026 Q2', years '2026'."""
    if start is None:
        return "–"
    if grain == "quarter":
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if grain in ("year", "annual_version"):
        return str(start.year)
    return format_month(start, lang)


# One date style per language everywhere in the report: 30.11.2026 (fi, sv), 30 November 2026 (en).
DAY_PATTERN = {"fi": "d.M.yyyy", "sv": "d.M.yyyy", "en": "d MMMM yyyy"}
TIME_ZONE = "Europe/Helsinki"
TIME_ZONE_NAME = {"fi": "Suomen aikaa", "sv": "finsk tid", "en": "Finnish time"}


def format_timestamp(stamp: dt.datetime | None, lang: str) -> str:
    """A UTC stamp as Finnish local time with the zone named ('30.11.2026 klo 19.43 Suomen aikaa (Europe/Helsinki)').

    The warehouse stores UTC without a zone; a reader in Finland reads local time, so it is converted
    and the zone is said rather than left to guess.
    """
    if stamp is None:
        return "–"
    aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)
    local = aware.astimezone(ZoneInfo(TIME_ZONE))
    clock = {"fi": "'klo' H.mm", "sv": "'kl.' H.mm", "en": "HH:mm"}[lang]
    text = format_datetime(local, f"{DAY_PATTERN[lang]} {clock}", locale=LOCALES[lang])
    return f"{text} {TIME_ZONE_NAME[lang]} ({TIME_ZONE})"


def format_day(day: dt.date | None, lang: str) -> str:
    """A date in the report's one style for the language; '–' when missing."""
    return "–" if day is None else format_date(day, DAY_PATTERN[lang], locale=LOCALES[lang])


class NumberRenderer:
    """Renders Figures as `<data>` elements in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(
        self, figure: Figure | None, unit: str = "count", signed: bool = False, magnitude: bool = False
    ) -> Markup:
        """The figure's text with its exact value and provenance; `magnitude` shows the absolute value."""
        if figure is None or figure.value is None:
            return Markup('<span class="missing" title="{}">..</span>').format(LABELS[self.lang]["missing"])
        decimals = DECIMALS.get(unit, 0)
        shown = abs(figure.value) if magnitude else figure.value
        text = format_number(shown, self.lang, decimals, signed=signed and not magnitude and shown != 0)
        if unit == "percent":
            text += PERCENT_SIGN[self.lang]
        attrs = Markup(' value="{}" data-decimals="{}"').format(repr(figure.value), decimals)
        if magnitude:
            attrs += Markup(' data-magnitude="true"')
        if figure.ref is not None:
            attrs += Markup(' data-ref="{}"').format(figure.ref.to_json())
        bound = figure.bound.negated() if magnitude and figure.value < 0 else figure.bound  # |x| of x ≤ −5 is ≥ 5
        return self._bound_mark(bound) + Markup('<data class="num"{}>{}</data>').format(attrs, text)

    def _bound_mark(self, bound: Bound) -> Markup:
        """'≥ ' for a lower bound, '≤ ' for an upper bound, nothing for an exact value."""
        if bound is Bound.LOWER:
            return Markup('<span class="lb" title="{}">≥\u00a0</span>').format(LABELS[self.lang]["lower_bound"])
        if bound is Bound.UPPER:
            return Markup('<span class="ub" title="{}">≤\u00a0</span>').format(LABELS[self.lang]["upper_bound"])
        return Markup("")

    def change(self, figure: Figure | None, unit: str, relative: bool = False) -> Markup:
        """A signed change in the measure's unit: percentage points for a rate or share, per cent when `relative`.

        The bound decides the mark (≥, ≤) or, for two lower bounds, the words "not comparable" instead of a
        number. The unit word stays outside `<data>`, so the element's text is the bare signed number.
        """
        if figure is not None and figure.value is not None and figure.bound is Bound.UNKNOWN:
            return Markup('<span class="nc">{}</span>').format(LABELS[self.lang]["not_comparable"])
        if relative:
            return self(figure, "percent", signed=True)
        if unit == "percent":
            shown = self(figure, "points", signed=True)
            if figure is None or figure.value is None:
                return shown
            # One unbreakable unit: '%-yks.' must not wrap at its hyphen.
            return shown + Markup('<span class="unit">{}</span>').format(POINTS_UNIT[self.lang])
        return self(figure, unit, signed=True)


def label(lang: str, key: str, **values: object) -> str:
    """A label of the language, with `values` filled in."""
    text = LABELS[lang][key]
    return text.format(**values) if values else text


def alert_notes(data: ReportData, lang: str) -> list[str]:
    """What the statistical rules check, with each rule's k as mart_alerts gives it, then where targets are.

    The k comes from the mart (rule_k), so the SQL is its one source; a rule that fired nowhere in the
    country this month has no k to show and is left out of the note.
    """
    notes = [
        label(lang, f"alerts_note_{rule}", k=format_number(k, lang, 0 if float(k).is_integer() else 1))
        for rule, k in data.alert_rules.items()
        if f"alerts_note_{rule}" in LABELS[lang]
    ]
    return [*notes, label(lang, "alerts_note_targets")]


def _compare(area_pct: float, country_pct: float, direction: str, bound: Bound = Bound.EXACT) -> str | None:
    """'same', 'better' or 'worse' than the country; None when the area's bound cannot tell which."""
    gap = area_pct - country_pct
    if bound is Bound.EXACT and abs(gap) < 0.5:
        return "same"
    if bound is Bound.UNKNOWN or (bound is Bound.LOWER and gap < 0.5) or (bound is Bound.UPPER and gap > -0.5):
        return None
    area_is_higher = gap > 0
    good = area_is_higher if direction == "higher_is_better" else not area_is_higher
    return "better" if good else "worse"


SENTENCES = {
    "fi": {
        "unemployed": "Työttömiä työnhakijoita oli alueella {value}, {change} ({pct}) {more_less} kuin vuotta aiemmin.",
        "unemployed_neutral": "Työttömiä työnhakijoita oli alueella {value}; muutos vuodessa {change} ({pct}), "
        "joten suunta ei ole varma, koska toinen luvuista on alaraja.",
        "unemployed_not_comparable": "Työttömiä työnhakijoita oli alueella {value}; muutos vuodessa ei ole "
        "vertailukelpoinen, koska molemmat luvut ovat alarajoja.",
        "more": "enemmän",
        "less": "vähemmän",
        "country": " Koko maassa työttömien määrä {rose_fell} {cpct}, joten alueen kehitys oli {comparison} kuin "
        "koko maassa.",
        "country_same": " Koko maassa työttömien määrä {rose_fell} {cpct}, eli alue kehittyi samaan tahtiin kuin "
        "koko maa.",
        "rose": "kasvoi",
        "fell": "laski",
        "better": "parempi",
        "worse": "heikompi",
        "rate": "Työttömyysaste oli {rate} (vuotta aiemmin {rate_ago}); maakunnassa {region} ja koko maassa {country}.",
        "vacancies": "Avoimia työpaikkoja oli {vacancies}, eli {per} työpaikkaa työtöntä kohden (koko maassa "
        "{country_per}).",
        "kpis": "Tavoitteista {on_track}/{total} on aikataulussa, {at_risk} vaarassa ja {off_track} jäljessä.",
        "kpis_example": "Esimerkkitavoitteista {on_track}/{total} on aikataulussa, {at_risk} vaarassa ja "
        "{off_track} jäljessä.",
        "kpis_mixed": "Tavoitteista (joista {examples} esimerkkejä) {on_track}/{total} on aikataulussa, {at_risk} "
        "vaarassa ja {off_track} jäljessä.",
    },
    "sv": {
        "unemployed": "Antalet arbetslösa arbetssökande i området var {value}, {change} ({pct}) {more_less} än för "
        "ett år sedan.",
        "unemployed_neutral": "Antalet arbetslösa arbetssökande i området var {value}; förändringen på ett år var "
        "{change} ({pct}), så riktningen är osäker eftersom en av siffrorna är en nedre gräns.",
        "unemployed_not_comparable": "Antalet arbetslösa arbetssökande i området var {value}; förändringen på ett "
        "år är ej jämförbar eftersom båda siffrorna är nedre gränser.",
        "more": "fler",
        "less": "färre",
        "country": " I hela landet {rose_fell} antalet med {cpct}, så utvecklingen i området var {comparison} än "
        "i hela landet.",
        "country_same": " I hela landet {rose_fell} antalet med {cpct}, så området utvecklades i samma takt som "
        "hela landet.",
        "rose": "ökade",
        "fell": "minskade",
        "better": "bättre",
        "worse": "sämre",
        "rate": "Arbetslöshetsgraden var {rate} (för ett år sedan {rate_ago}); i landskapet {region} och i hela "
        "landet {country}.",
        "vacancies": "Det fanns {vacancies} lediga arbetsplatser, dvs. {per} platser per arbetslös (i hela landet "
        "{country_per}).",
        "kpis": "Av målen är {on_track}/{total} enligt plan, {at_risk} i fara och {off_track} efter.",
        "kpis_example": "Av exempelmålen är {on_track}/{total} enligt plan, {at_risk} i fara och {off_track} efter.",
        "kpis_mixed": "Av målen ({examples} av dem exempel) är {on_track}/{total} enligt plan, {at_risk} i fara "
        "och {off_track} efter.",
    },
    "en": {
        "unemployed": "The area had {value} unemployed jobseekers, {change} ({pct}) {more_less} than a year earlier.",
        "unemployed_neutral": "The area had {value} unemployed jobseekers; the change in a year was {change} "
        "({pct}), so its direction is uncertain because one of the figures is a lower bound.",
        "unemployed_not_comparable": "The area had {value} unemployed jobseekers; the change in a year is not "
        "comparable because both figures are lower bounds.",
        "more": "more",
        "less": "fewer",
        "country": " In the whole country their number {rose_fell} by {cpct}, so the area did {comparison} than "
        "the country.",
        "country_same": " In the whole country their number {rose_fell} by {cpct}, so the area moved in step with "
        "the country.",
        "rose": "rose",
        "fell": "fell",
        "better": "better",
        "worse": "worse",
        "rate": "The unemployment rate was {rate} (a year ago {rate_ago}); in the region {region} and in the whole "
        "country {country}.",
        "vacancies": "There were {vacancies} open vacancies, {per} per unemployed jobseeker (whole country "
        "{country_per}).",
        "kpis": "Of the targets, {on_track}/{total} are on track, {at_risk} at risk and {off_track} off track.",
        "kpis_example": "Of the example targets, {on_track}/{total} are on track, {at_risk} at risk and "
        "{off_track} off track.",
        "kpis_mixed": "Of the targets ({examples} of them examples), {on_track}/{total} are on track, {at_risk} "
        "at risk and {off_track} off track.",
    },
}


def _unemployed_sentence(unemployed: IndicatorFigures, words: dict[str, str], num: NumberRenderer) -> Markup:
    """The unemployed sentence: a direction word only where the change's bound proves the direction."""
    change = unemployed.change_12m
    bound = change.bound
    if bound is Bound.UNKNOWN:
        return Markup(words["unemployed_not_comparable"]).format(value=num(unemployed.value, "persons"))
    direction = supported_direction(change.value, bound)
    if direction is None:
        return Markup(words["unemployed_neutral"]).format(
            value=num(unemployed.value, "persons"),
            change=num.change(change, "persons"),
            pct=num.change(unemployed.change_12m_pct, "persons", relative=True),
        )
    text = Markup(words["unemployed"]).format(
        value=num(unemployed.value, "persons"),
        change=num(change, "persons", magnitude=True),
        pct=num(unemployed.change_12m_pct, "percent", magnitude=True),
        more_less=words["more"] if direction > 0 else words["less"],
    )
    country = unemployed.country_change_12m_pct
    area_pct = unemployed.change_12m_pct.value
    country_direction = supported_direction(country.value, country.bound)
    if country.value is None or area_pct is None or country_direction is None or country.bound is not Bound.EXACT:
        return text
    comparison = _compare(area_pct, country.value, unemployed.direction, bound)
    if comparison is None:
        return text
    template = words["country_same"] if comparison == "same" else words["country"]
    return text + Markup(template).format(
        rose_fell=words["rose"] if country_direction > 0 else words["fell"],
        cpct=num(country, "percent", magnitude=True),
        comparison=words.get(comparison, ""),
    )


def sentences(data: ReportData, lang: str) -> list[Markup]:
    """The summary paragraph's sentences, filled from the report data by the language's templates."""
    words = SENTENCES[lang]
    num = NumberRenderer(lang)
    out: list[Markup] = []
    unemployed = data.indicators.get("unemployed")
    if unemployed and unemployed.value.value is not None and unemployed.change_12m.value is not None:
        out.append(_unemployed_sentence(unemployed, words, num))
    rate = data.indicators.get("unemployment_rate")
    if rate and rate.value.value is not None:
        out.append(
            Markup(words["rate"]).format(
                rate=num(rate.value, "percent"),
                rate_ago=num(rate.value_year_ago, "percent"),
                region=num(rate.region_value, "percent"),
                country=num(rate.country_value, "percent"),
            )
        )
    vacancies = data.indicators.get("open_vacancies")
    per = data.indicators.get("vacancies_per_unemployed")
    if vacancies and per:
        out.append(
            Markup(words["vacancies"]).format(
                vacancies=num(vacancies.value, "vacancies"),
                per=num(per.value, "ratio"),
                country_per=num(per.country_value, "ratio"),
            )
        )
    if data.kpis:
        counts = {s: sum(1 for k in data.kpis if k.status == s) for s in ("on_track", "at_risk", "off_track")}
        key = {"example": "kpis_example", "mixed": "kpis_mixed"}.get(data.kpi_kind, "kpis")
        examples = sum(1 for k in data.kpis if k.is_example)
        out.append(Markup(words[key]).format(total=len(data.kpis), examples=examples, **counts))
    return out
