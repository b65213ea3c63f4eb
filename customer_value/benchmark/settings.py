"""What the benchmark runs and judges: the contenders, the targets and the daily share."""

from __future__ import annotations

# How the benchmark starts the runner and its own child processes (the floor, pandas,
# the comparison, the Parquet conversion): `python -m`, by module name.
RUNNER = ("-m", "customer_value", "run")
CHILD = ("-m", "customer_value.benchmark.cli")
GENERATOR = ("-m", "customer_value", "generate-sample")
CONTENDERS = ("build", "lrfm", "floor", "pandas", "notebook", "build_parquet", "incremental")
RUNNER_CONTENDERS = ("build", "lrfm", "build_parquet", "incremental")
CONTENDER_LABELS = {
    "build": "full build (all marts, all tests)",
    "lrfm": "LRFM path (+customer_segments, its tests)",
    "floor": "hand-written DuckDB query (floor)",
    "pandas": "pandas groupby + rank/NTILE",
    "notebook": "pandas the notebook way (all columns, drop_duplicates)",
    "build_parquet": "full build from Parquet",
    "incremental": "incremental: one more daily file",
}
# The results compared with the project's customer_segments, customer by customer.
COMPARED = ("floor", "pandas", "notebook", "build_parquet", "incremental")
# docs/performance.md: median wall time of one contender over another's, at most
# `max`. They are stated for 10M lines; at other sizes the verdict is indicative only.
TARGET_ROWS = 10_000_000
TARGETS = (
    {
        "measure": "lrfm/notebook",
        "numerator": "lrfm",
        "denominator": "notebook",
        "max": 1.0,
        "label": "LRFM path / pandas the notebook way",
    },
    {
        "measure": "build/notebook",
        "numerator": "build",
        "denominator": "notebook",
        "max": 1.25,
        "label": "full build / pandas the notebook way",
    },
    {
        "measure": "build_parquet/build",
        "numerator": "build_parquet",
        "denominator": "build",
        "max": 0.7,
        "label": "full build from Parquet / from CSV",
    },
    {
        "measure": "incremental/build",
        "numerator": "incremental",
        "denominator": "build",
        "max": 0.35,
        "label": "one more daily file / full build",
    },
)
# One day's file is 0.3% of the lines (issue #17: "one more daily file (0.3% more
# lines)"), and so is every earlier day's: a warehouse of N lines grew from about
# 333 such files, and whatever the project does per file is part of a daily run.
# (--daily-share changes it, e.g. for a quick test with a few files.)
DAILY_SHARE = 0.003
SEGMENT_COLUMNS = ("l_score", "r_score", "f_score", "m_score", "value_segment")
HIGH_VALUE_MIN_LRFM_SCORE = 13  # dbt_project.yml defaults (docs/analytics.md)
MID_VALUE_MIN_LRFM_SCORE = 9
