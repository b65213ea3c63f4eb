"""report.html and the dbt docs page, rendered in a real headless Chromium with the
network unreachable: every chart draws, nothing errors, the screenshot is not blank,
and the static docs page lists the mart models.

Chromium comes from the Debian package `chromium` (CI installs it). Without it these
tests skip, unless REQUIRE_CHROMIUM=1, when they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import duckdb
import pytest

from customer_value import report

PROJECT_DIR = Path(__file__).resolve().parent.parent

MARTS = sorted(p.stem for p in (PROJECT_DIR / "models" / "marts").rglob("*.*") if p.suffix in (".sql", ".py"))
CHARTS = ["segment-sizes", "top-customers", "lrfm-distribution", "segment-industry-heatmap"]
SEGMENT_RGB = {
    name: tuple(int(code[i : i + 2], 16) for i in (1, 3, 5)) for name, code in report.SEGMENT_COLOURS.items()
}


@pytest.fixture(scope="session")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        message = "chromium is not installed (Debian: apt-get install -y chromium)"
        if os.environ.get("REQUIRE_CHROMIUM") == "1":
            pytest.fail(message + ", and REQUIRE_CHROMIUM=1")
        pytest.skip(message)
    return path


def headless(chromium: str, page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Open a local page in headless Chromium with every network request failing."""
    command = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        # Network off: every request (loopback included) goes to a proxy that is not there.
        "--proxy-server=127.0.0.1:9",
        "--proxy-bypass-list=<-loopback>",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=15000",
        *args,
        page.as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)


def console_errors(stderr: str) -> list[str]:
    """Console messages that report an error (Chromium logs them as INFO:CONSOLE)."""
    return [
        line
        for line in stderr.splitlines()
        if ":CONSOLE" in line and re.search(r"uncaught|error|failed", line, re.IGNORECASE)
    ]


def png_pixels(path: Path) -> tuple[int, int, list[tuple[int, ...]]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes) with the stdlib."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    channels = 4 if colour_type == 6 else 3
    raw, stride = zlib.decompress(idat), width * channels
    pixels, previous, position = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[position], bytearray(raw[position + 1 : position + 1 + stride])
        position += 1 + stride
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - up_left
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - up_left)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else up_left
                line[i] = (line[i] + predictor) & 0xFF
        pixels.extend(tuple(line[i : i + 3]) for i in range(0, stride, channels))
        previous = line
    return width, height, pixels


@pytest.fixture(scope="module")
def rendered_report(sample_run, chromium, tmp_path_factory):
    """The sample run's report.html: its DOM after scripts ran, a screenshot, Chromium's log."""
    page = sample_run.output_dir / "report.html"
    work = tmp_path_factory.mktemp("report_render")
    dom = headless(chromium, page, work / "profile_dom", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    # Half scale keeps the PNG small enough for the stdlib decoder below to be quick.
    shot = headless(
        chromium,
        page,
        work / "profile_shot",
        f"--screenshot={work / 'report.png'}",
        "--window-size=1280,3600",
        "--force-device-scale-factor=0.5",
        "--hide-scrollbars",
    )
    assert shot.returncode == 0 and (work / "report.png").exists(), shot.stderr[-2000:]
    return {
        "html": page.read_text(encoding="utf-8"),
        "dom": dom.stdout,
        "png": work / "report.png",
        "log": dom.stderr + shot.stderr,
    }


def test_report_is_self_contained(rendered_report):
    source = rendered_report["html"]
    assert re.findall(r"<script[^>]+\bsrc=", source) == []  # plotly.js is inline
    assert re.findall(r"<link[^>]+\bhref=", source) == []
    assert "Plotly.newPlot" in source


def test_every_chart_draws_offline_without_errors(rendered_report):
    dom = rendered_report["dom"]

    for chart in CHARTS:
        match = re.search(rf'<div id="chart-{chart}" class="([^"]*)"', dom)
        assert match, f"chart {chart} missing from the page"
        assert "js-plotly-plot" in match.group(1), f"plotly did not draw chart {chart}"
    assert dom.count('class="main-svg"') >= 2 * len(CHARTS)  # plotly's two SVG layers per chart
    assert dom.count('<g class="trace bars"') >= 3  # segment sizes, top 20, lrfm distribution
    assert '<g class="hm"' in dom  # the segment x industry heatmap
    assert "data-js-errors" not in dom.split(">", 2)[1]  # the <html> tag: no script error
    assert console_errors(rendered_report["log"]) == []


def test_mid_value_table_lists_every_opportunity(rendered_report, sample_run):
    with duckdb.connect() as con:
        names = [
            r[0]
            for r in con.execute(
                "select customer_name from read_parquet(?) order by profit_rank",
                [str(sample_run.output_dir / "mid_value_opportunities.parquet")],
            ).fetchall()
        ]
    table = re.search(r'<table id="mid-value-opportunities">(.*?)</table>', rendered_report["dom"], re.S)
    assert table, "mid-value opportunities table missing"
    assert table.group(1).count("<tr>") == len(names) + 1  # header row + one per customer
    for name in names:
        assert f"<td>{name}</td>" in table.group(1).replace("&amp;", "&")


def test_migration_matrix_is_drawn_or_skipped_with_a_note(rendered_report):
    dom = rendered_report["dom"]
    if "segment_migrations" in MARTS:
        assert re.search(r'<div id="chart-segment-migrations" class="[^"]*js-plotly-plot', dom)
    else:
        assert "Skipped: the <code>segment_migrations</code> mart was not exported" in dom


def test_backtest_gains_chart_and_table_show_every_model(rendered_report, sample_run):
    dom = rendered_report["dom"]
    with duckdb.connect() as con:
        models = [
            row[0]
            for row in con.execute(
                "select distinct model from read_parquet(?) order by 1",
                [str(sample_run.output_dir / "segment_backtest.parquet")],
            ).fetchall()
        ]
        ranking_models = [
            row[0]
            for row in con.execute(
                "select distinct model from read_parquet(?) order by 1",
                [str(sample_run.output_dir / "backtest_gains.parquet")],
            ).fetchall()
        ]

    assert re.search(r'<div id="chart-backtest-gains" class="[^"]*js-plotly-plot', dom), "the gains chart did not draw"
    # one line per ranking model, plus the random diagonal and the perfect-foresight line
    assert set(ranking_models) == set(models) - {"nobody_is_top"}
    legend = re.findall(r'<text class="legendtext"[^>]*>([^<]+)</text>', dom)
    assert set(ranking_models) | {"random order", "perfect foresight"} <= set(legend), legend
    table = re.search(r'<table id="segment-backtest-table">(.*?)</table>', dom, re.S)
    assert table and len(models) >= 9
    assert table.group(1).count("<tr>") == len(models) + 1  # header row + one per model
    for model in models:
        assert f"<td>{model}</td>" in table.group(1)
    for metric in ("precision_at_k", "spearman_correlation", "top_10_percent_profit_share", "accuracy"):
        assert f"<th>{metric}</th>" in table.group(1)


def test_screenshot_shows_the_charts(rendered_report):
    width, height, pixels = png_pixels(rendered_report["png"])

    assert width >= 600 and height >= 1600
    sample = pixels[::3]
    assert len(set(sample)) > 100, "the screenshot is (nearly) blank"
    # The bars are filled with the segment colours: each must cover a real area.
    counts = {name: sum(1 for p in sample if p == rgb) for name, rgb in SEGMENT_RGB.items()}
    assert all(n > 500 for n in counts.values()), f"segment colours barely on screen: {counts}"


def test_a_report_with_missing_marts_skips_their_sections(sample_run, chromium, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    shutil.copy(sample_run.output_dir / "customer_segments.parquet", exports)
    with duckdb.connect() as con:  # a migrations mart of the expected shape
        con.execute(
            "copy (select * from (values ('2023-Q4', 'Mid-Value', 'High-Value', 3),"
            " ('2023-Q4', 'Mid-Value', 'Mid-Value', 9), ('2023-Q4', 'High-Value', 'Low-Value', 1))"
            " t(period, from_segment, to_segment, customers)) to '"
            + str(exports / "segment_migrations.parquet")
            + "' (format parquet)"
        )

    page = report.write_report(exports)
    dom = headless(chromium, page, tmp_path / "profile", "--dump-dom")

    assert "Skipped: the <code>mid_value_opportunities</code> mart" in dom.stdout
    assert "Skipped: the <code>segment_backtest</code> mart" in dom.stdout
    for chart in CHARTS + ["segment-migrations"]:
        assert re.search(rf'<div id="chart-{chart}" class="[^"]*js-plotly-plot', dom.stdout), chart
    assert console_errors(dom.stderr) == []

    empty = tmp_path / "empty"
    empty.mkdir()
    html = report.render(empty)
    assert html.count('class="note">Skipped') == len(report.SECTIONS)


def test_dbt_docs_page_lists_the_mart_models(sample_run, chromium, tmp_path):
    page = sample_run.output_dir / "dbt_docs.html"
    assert page.exists(), "the runner with --docs did not publish dbt_docs.html"

    dom = headless(chromium, page, tmp_path / "profile", "--dump-dom")

    assert dom.returncode == 0, dom.stderr[-2000:]
    listed = set(re.findall(r'data-nav-unique-id="model\.customer_value\.([a-z0-9_]+)"', dom.stdout))
    assert set(MARTS) <= listed, f"mart models missing from the docs navigation: {set(MARTS) - listed}"


def test_revenue_bridge_and_nrr_by_segment_are_drawn(rendered_report, sample_run):
    dom = rendered_report["dom"]
    with duckdb.connect() as con:
        last = con.execute(
            "select period_end::varchar, net_revenue_retention, revenue_year_before::double, revenue::double"
            " from read_parquet(?) where dimension = 'all' order by period_end desc limit 1",
            [str(sample_run.output_dir / "net_revenue_retention.parquet")],
        ).fetchone()

    for chart in ("revenue-bridge", "nrr-by-segment"):
        assert re.search(rf'<div id="chart-{chart}" class="[^"]*js-plotly-plot', dom), f"{chart} did not draw"
    bridge = dom.split('id="chart-revenue-bridge"', 1)[1].split('id="chart-nrr-by-segment"', 1)[0]
    # the waterfall: a year before, the five movements, now
    for label in ("a year before", "new", "expansion", "reactivated", "contraction", "churned", "now"):
        assert re.search(rf">{label}</text>", bridge), label
    assert f">${last[2]:,.0f}</text>" in bridge and f">${last[3]:,.0f}</text>" in bridge
    summary = re.search(r'<p id="revenue-retention-summary">(.*?)</p>', dom).group(1)
    assert f"At {last[0]}: net revenue retention {last[1]:.1%}" in summary
    lines = dom.split('id="chart-nrr-by-segment"', 1)[1]
    legend = set(re.findall(r'<text class="legendtext"[^>]*>([^<]+)</text>', lines))
    assert {"High-Value", "Mid-Value", "Low-Value", "all customers"} <= legend, legend


def test_a_history_without_a_retention_period_end_says_so_in_one_line(sample_run, chromium, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    shutil.copy(sample_run.output_dir / "customer_segments.parquet", exports)
    with duckdb.connect() as con:  # the mart of a history shorter than two years: no rows
        con.execute(
            "copy (select * from read_parquet(?) where false) to '"
            + str(exports / "net_revenue_retention.parquet")
            + "' (format parquet)",
            [str(sample_run.output_dir / "net_revenue_retention.parquet")],
        )

    page = report.write_report(exports)
    dom = headless(chromium, page, tmp_path / "profile", "--dump-dom")

    section = re.search(r"<h2>Revenue retention</h2>(.*?)</section>", dom.stdout, re.S).group(1)
    assert section.strip() == f'<p class="note" id="revenue-retention-none">{report.NO_RETENTION_PERIOD}</p>'
    assert "chart-revenue-bridge" not in dom.stdout and "chart-nrr-by-segment" not in dom.stdout
    assert console_errors(dom.stderr) == []


# --- the summary, lifetime-value, churn-risk and cross-sell sections ------------------

WIDTH_PROBE = """<script>
window.addEventListener("load", function () {
  var table = document.getElementById("segment-backtest-table");
  var page = document.body.clientWidth;
  document.documentElement.setAttribute("data-backtest-fit",
    table ? String(table.getBoundingClientRect().right <= page + 1 && table.scrollWidth <= table.clientWidth + 1) : "none");
});
</script></body>"""


def test_summary_block_comes_first_with_the_headline_figures(rendered_report, sample_run):
    dom = rendered_report["dom"]
    summary = re.search(r'<section id="summary">(.*?)</section>', dom, re.S)
    assert summary, "the summary block is missing"
    assert dom.index('<section id="summary">') < dom.index('<section id="section-1">')
    labels = re.findall(r"<dt>([^<]+)</dt>", summary.group(1))
    assert labels == [
        "customers",
        "High-Value share of profit",
        "hidden gems (Mid-Value, top profit quartile)",
        "churn-risk customers",
        "predicted profit, next year",
    ]
    with duckdb.connect() as con:
        customers = con.execute(
            "select count(*) from read_parquet(?)", [str(sample_run.output_dir / "customer_segments.parquet")]
        ).fetchone()[0]
    assert f"<dd>{customers}</dd>" in summary.group(1)
    assert "minimum-data" not in summary.group(1)  # the sample has enough data for everything


def test_lifetime_value_section_shows_the_chosen_model_and_its_charts(rendered_report, sample_run):
    dom = rendered_report["dom"]
    for chart in ("clv-alive-orders", "clv-value-distribution"):
        assert re.search(rf'<div id="chart-{chart}" class="[^"]*js-plotly-plot', dom), chart
    with duckdb.connect() as con:
        chosen = con.execute(
            "select fitter from read_parquet(?) where snapshot_name = 'analysis_date' and is_chosen",
            [str(sample_run.output_dir / "clv_model_fits.parquet")],
        ).fetchone()[0]
    assert f"<strong>{report.FITTER_NAMES[chosen]}</strong>" in dom
    fits = re.search(r'<table id="clv-model-fits">(.*?)</table>', dom, re.S)
    assert fits and fits.group(1).count("<tr>") == 1 + 4  # three purchase models and Gamma-Gamma
    for table in ("churn-risk-customers", "cross-sell-recommendations"):
        assert re.search(rf'<table id="{table}">.*?<td>', dom, re.S), table


def test_backtest_table_fits_the_page_width(sample_run, chromium, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(
        (sample_run.output_dir / "report.html").read_text(encoding="utf-8").replace("</body>", WIDTH_PROBE, 1),
        encoding="utf-8",
    )
    dom = headless(chromium, page, tmp_path / "profile", "--dump-dom", "--window-size=1280,2000")
    assert 'data-backtest-fit="true"' in dom.stdout.split(">", 2)[1]


def test_a_one_customer_report_renders_its_summary_and_lifetime_value(run_pipeline, chromium, tmp_path):
    from test_export_shapes import one_customer

    run = run_pipeline(input_path=one_customer(tmp_path / "one_customer.csv"))
    assert run.returncode == 0, run.stderr[-3000:]
    dom = headless(chromium, run.output_dir / "report.html", tmp_path / "profile", "--dump-dom")

    assert dom.returncode == 0, dom.stderr[-2000:]
    summary = re.search(r'<section id="summary">(.*?)</section>', dom.stdout, re.S)
    assert summary and "<dd>1</dd>" in summary.group(1)
    notes = re.findall(r'<p class="minimum-data">([^<]+)</p>', summary.group(1))
    assert any("purchase models of snapshot analysis_date were not fitted" in note for note in notes), notes
    assert any("backtest was not judged" in note for note in notes), notes
    lifetime = re.search(r"<h2>Lifetime value</h2>(.*?)</section>", dom.stdout, re.S)
    assert lifetime and "No customer has a forecast (purchase_model_below_minimum_data)" in lifetime.group(1)
    assert '<table id="clv-model-fits">' in lifetime.group(1)
    assert "data-js-errors" not in dom.stdout.split(">", 2)[1]
    assert console_errors(dom.stderr) == []
