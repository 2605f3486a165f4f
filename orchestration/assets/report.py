"""The monthly report asset: after every publish, the configured area's report of the latest month.

Reads only the serving warehouse (read-only) and writes
`data/serving/reports/tilannekuva_<AREA>_<YYYY-MM>_<lang>.html` in Finnish, Swedish and English;
the rendering itself is plain Python in `serving.report`.
"""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from orchestration.assets.serving import publish
from orchestration.resources import PipelineSettings


@asset(
    key=["report", "monthly_report"],
    deps=[publish],
    group_name="report",
    kinds={"html"},
    description=(
        "The monthly situational-picture report of the configured employment area (TILANNEKUVA_AREA) for the "
        "latest month, as self-contained HTML in Finnish, Swedish and English, read from the serving warehouse."
    ),
)
def monthly_report(context: AssetExecutionContext, pipeline: PipelineSettings) -> MaterializeResult:
    """Runs after a good publish, so the report always matches the serving file next to it."""
    # Imported here: matplotlib and Babel would add about a second to every Dagster code-location load.
    from serving.report.render import write_reports
    from serving.report.text import LANGUAGES

    settings = pipeline.get()
    out_dir = settings.serving_dir / "reports"
    paths, data = write_reports(settings.serving_path, settings.area, out_dir, LANGUAGES)
    context.log.info(f"wrote {len(paths)} reports for {settings.area} {data.month:%Y-%m} to {out_dir}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(paths[0])),
            "paths": MetadataValue.json([str(p) for p in paths]),
            "size_bytes": MetadataValue.json({p.name: p.stat().st_size for p in paths}),
            "month": f"{data.month:%Y-%m}",
            "area": settings.area,
            "is_sample_data": data.is_sample,
        }
    )
