"""report.html: the marts as charts, one self-contained file that opens from disk.

Reads the exported Parquet files (never the warehouse) with an in-memory DuckDB
connection and draws each section with plotly; plotly.js is inlined once, so the
page needs no network. A section whose mart was not exported says so instead of
drawing. Used by `customer-value run`; on its own:

    customer-value report exports/            # writes exports/report.html
"""

from __future__ import annotations

import argparse
import html
import json
from collections.abc import Callable
from pathlib import Path

SEGMENTS = ["High-Value", "Mid-Value", "Low-Value"]
SEGMENT_COLOURS = {"High-Value": "#1b7837", "Mid-Value": "#e08214", "Low-Value": "#8073ac"}
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


class Marts:
    """The exported marts of one folder, queried with an in-memory DuckDB connection."""

    def __init__(self, export_dir: Path):
        import duckdb

        self.export_dir = Path(export_dir)
        self.con = duckdb.connect()  # in memory: the warehouse file is never opened here
        for path in sorted(self.export_dir.glob("*.parquet")):
            self.con.execute(f"create view \"{path.stem}\" as select * from read_parquet('{_sql_literal(path)}')")

    def has(self, mart: str, *columns: str) -> bool:
        if not (self.export_dir / f"{mart}.parquet").exists():
            return False
        found = {row[0] for row in self.con.execute(f'describe "{mart}"').fetchall()}
        return set(columns) <= found

    def columns(self, mart: str) -> list[str]:
        return [row[0] for row in self.con.execute(f'describe "{mart}"').fetchall()]

    def df(self, sql: str):
        return self.con.execute(sql).df()


def _sql_literal(path: Path) -> str:
    return str(path).replace("'", "''")


def _segment_order(values) -> list[str]:
    """Known value segments first, in their order, then anything else sorted."""
    present = [v for v in values if v is not None]
    return [s for s in SEGMENTS if s in present] + sorted(set(present) - set(SEGMENTS))


def _figure_html(fig, key: str) -> str:
    fig.update_layout(
        margin=dict(l=60, r=30, t=60, b=60),
        font=dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=13),
    )
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{key}",
        config=PLOTLY_CONFIG,
        default_height="460px",
    )


# --- sections: each returns (html, drew_a_chart) or raises Missing ---------------


class Missing(Exception):
    """The mart a section needs was not exported: the section shows this note."""


def section_segment_sizes(marts: Marts) -> str:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    profit = _profit_column(marts)
    data = marts.df(
        f"""
        select value_segment,
               count(*) as customers,
               sum({profit})::double as profit,
               sum({profit})::double / nullif(sum(sum({profit})) over (), 0) as profit_share,
               count(*)::double / sum(count(*)) over () as customer_share
        from customer_segments group by value_segment
        """
    ).set_index("value_segment")
    order = _segment_order(data.index)
    data = data.loc[order]
    colours = [SEGMENT_COLOURS.get(s, "#999999") for s in order]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Customers", "Share of total profit"))
    fig.add_trace(
        go.Bar(
            x=order,
            y=data["customers"],
            marker_color=colours,
            name="customers",
            text=[f"{c} ({s:.0%})" for c, s in zip(data["customers"], data["customer_share"])],
            textposition="auto",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Bar(
            x=order,
            y=data["profit_share"],
            marker_color=colours,
            name="profit share",
            text=[f"{s:.1%}" for s in data["profit_share"]],
            textposition="auto",
            customdata=data["profit"],
            hovertemplate="%{x}: %{y:.1%} of profit ($%{customdata:,.0f})<extra></extra>",
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(tickformat=".0%", row=1, col=2)
    fig.update_layout(showlegend=False, title="Segment sizes and profit share per value segment")
    return _figure_html(fig, "segment-sizes")


def section_top_customers(marts: Marts) -> str:
    import plotly.graph_objects as go

    profit = _profit_column(marts)
    data = marts.df(
        f"""
        select customer_id, coalesce(customer_name, customer_id::varchar) as customer_name,
               value_segment, {profit}::double as profit
        from customer_segments
        order by {profit} desc, customer_id
        limit 20
        """
    )
    fig = go.Figure()
    labels = [f"{name} ({cid})" for name, cid in zip(data["customer_name"], data["customer_id"])]
    data["label"] = labels
    for segment in _segment_order(data["value_segment"].unique()):
        rows = data[data["value_segment"] == segment]
        fig.add_trace(
            go.Bar(
                x=rows["profit"],
                y=rows["label"],
                orientation="h",
                name=segment,
                marker_color=SEGMENT_COLOURS.get(segment, "#999999"),
                hovertemplate="%{y}: $%{x:,.0f}<extra>" + segment + "</extra>",
            )
        )
    fig.update_yaxes(categoryorder="array", categoryarray=list(reversed(labels)))
    fig.update_xaxes(title="profit", tickprefix="$")
    fig.update_layout(title="Top 20 customers by profit", barmode="overlay", legend_title="value segment")
    return _figure_html(fig, "top-customers")


def section_lrfm_distribution(marts: Marts) -> str:
    import plotly.graph_objects as go

    data = marts.df(
        "select lrfm_score, value_segment, count(*) as customers from customer_segments group by all order by all"
    )
    fig = go.Figure()
    for segment in _segment_order(data["value_segment"].unique()):
        rows = data[data["value_segment"] == segment]
        fig.add_trace(
            go.Bar(
                x=rows["lrfm_score"],
                y=rows["customers"],
                name=segment,
                marker_color=SEGMENT_COLOURS.get(segment, "#999999"),
            )
        )
    fig.update_xaxes(title="lrfm_score (L + R + F + M)", dtick=1, range=[3.5, 16.5])
    fig.update_yaxes(title="customers")
    fig.update_layout(title="Distribution of lrfm_score", barmode="stack", legend_title="value segment")
    return _figure_html(fig, "lrfm-distribution")


def section_industry_heatmap(marts: Marts) -> str:
    import plotly.graph_objects as go

    if marts.has("customer_segments", "value_segment", "industry"):
        profit = _profit_column(marts)
        data = marts.df(
            f"select value_segment, industry, sum({profit})::double as profit "
            "from customer_segments group by all order by all"
        )
    elif marts.has("segment_profiles", "value_segment", "dimension", "dimension_value", "total_profit"):
        data = marts.df(
            "select value_segment, dimension_value as industry, sum(total_profit)::double as profit "
            "from segment_profiles where dimension = 'industry' group by all order by all"
        )
    else:
        raise Missing("customer_segments or segment_profiles")
    table = data.pivot(index="value_segment", columns="industry", values="profit")
    order = _segment_order(table.index)
    table = table.loc[order]
    fig = go.Figure(
        go.Heatmap(
            z=table.values,
            x=list(table.columns),
            y=order,
            colorscale="RdYlGn",
            zmid=0,
            colorbar=dict(title="profit"),
            text=[[f"${v:,.0f}" if v == v else "" for v in row] for row in table.values],
            texttemplate="%{text}",
            hovertemplate="%{y} × %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title="Profit by value segment × industry")
    return _figure_html(fig, "segment-industry-heatmap")


def section_mid_value_table(marts: Marts) -> str:
    wanted = [
        "profit_rank",
        "customer_id",
        "customer_name",
        "industry",
        "monetary",
        "lrfm_code",
        "lrfm_score",
        "weak_dimensions",
        "recommended_actions",
    ]
    columns = [c for c in wanted if c in marts.columns("mid_value_opportunities")]
    order = "profit_rank, customer_id" if "profit_rank" in columns else "all"
    data = marts.df(f"select {', '.join(columns)} from mid_value_opportunities order by {order}")
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for record in data.itertuples(index=False):
        cells = []
        for column, value in zip(columns, record):
            if column == "monetary" and value == value and value is not None:
                text, cls = f"${float(value):,.0f}", ' class="num"'
            else:
                text, cls = ("" if value is None or value != value else str(value)), ""
            cells.append(f"<td{cls}>{html.escape(text)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    if not body:
        return '<p class="note">No mid-value opportunities in this run.</p>'
    return (
        f"<p>{len(body)} Mid-Value customers in the top profit quartile (m_score = 4), "
        "with the dimensions that hold them back and what to do.</p>"
        f'<table id="mid-value-opportunities"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def section_migration_matrix(marts: Marts) -> str:
    import plotly.graph_objects as go

    columns = marts.columns("segment_migrations")
    if not {"from_segment", "to_segment"} <= set(columns):
        raise Missing("segment_migrations (from_segment, to_segment)")
    measure = next(
        (c for c in ("customers", "customer_count", "customers_moved", "n_customers") if c in columns),
        None,
    )
    value = f"sum({measure})" if measure else "count(*)"
    data = marts.df(
        f"select from_segment, to_segment, {value}::double as customers "
        "from segment_migrations where from_segment is not null and to_segment is not null "
        "group by all order by all"
    )
    table = data.pivot(index="from_segment", columns="to_segment", values="customers").fillna(0)
    rows = _segment_order(table.index)
    cols = _segment_order(table.columns)
    table = table.reindex(index=rows, columns=cols).fillna(0)
    fig = go.Figure(
        go.Heatmap(
            z=table.values,
            x=cols,
            y=rows,
            colorscale="Blues",
            text=[[f"{v:,.0f}" for v in row] for row in table.values],
            texttemplate="%{text}",
            hovertemplate="%{y} → %{x}: %{text}<extra></extra>",
            colorbar=dict(title="customers"),
        )
    )
    fig.update_xaxes(title="to segment", side="bottom")
    fig.update_yaxes(title="from segment", autorange="reversed")
    fig.update_layout(title="Segment migrations, period over period (all periods summed)")
    return _figure_html(fig, "segment-migrations")


COUNT_METRICS = ("true_positives", "false_positives", "false_negatives", "true_negatives")
MONEY_METRICS = ("mean_absolute_error", "total_error")
RANDOM_COLOUR = "#999999"


def section_backtest(marts: Marts) -> str:
    """The gains chart (backtest_gains), then every model x metric of segment_backtest as a table."""
    columns = marts.columns("segment_backtest")
    if not {"model", "metric", "value"} <= set(columns):
        raise Missing("segment_backtest (model, metric, value)")
    metric_order = "metric_order, " if "metric_order" in columns else ""
    model_order = "model_order, " if "model_order" in columns else ""
    data = marts.df(f"select model, metric, value::double as value from segment_backtest order by {metric_order}metric")
    metrics = list(dict.fromkeys(data["metric"]))
    models = list(
        marts.df(
            f"select model from segment_backtest group by model{', model_order' if model_order else ''} "
            f"order by {model_order}model"
        )["model"]
    )
    values = {(row.model, row.metric): row.value for row in data.itertuples(index=False)}

    def cell(model: str, metric: str) -> str:
        value = values.get((model, metric))
        if value is None or value != value:  # not applicable to the model, or undefined
            return '<td class="num"></td>'
        if metric in COUNT_METRICS:
            text = f"{value:,.0f}"
        elif metric in MONEY_METRICS:
            text = f"${value:,.0f}" if value >= 0 else f"−${-value:,.0f}"
        else:
            text = f"{value:.3f}"
        return f'<td class="num">{html.escape(text)}</td>'

    head = "<th>model</th>" + "".join(f"<th>{html.escape(m)}</th>" for m in metrics)
    body = "".join(
        f"<tr><td>{html.escape(model)}</td>" + "".join(cell(model, m) for m in metrics) + "</tr>" for model in models
    )
    facts = marts.df(
        "select max(cutoff_date)::varchar as cutoff, max(evaluated_customers) as customers, "
        "max(actual_top_customers) as top from segment_backtest"
    )
    cutoff, customers, top = facts.iloc[0]
    trivial = values.get(("nobody_is_top", "accuracy"))
    intro = (
        f"<p>Every model ranks the {customers:.0f} customers seen before the cutoff ({html.escape(str(cutoff))}), "
        f"on orders before it only; the truth is their profit afterwards. k = {top:.0f} customers are truly top "
        "(top profit quartile). Read the ranking metrics first (who to call first)"
        + (
            f"; calling nobody top already scores {trivial:.3f} accuracy"
            if trivial is not None and trivial == trivial
            else ""
        )
        + ". See docs/backtest.md.</p>"
    )
    table = f'<table id="segment-backtest-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    if not marts.has("backtest_gains", "model", "contacted_share", "captured_profit_share"):
        chart = '<p class="note">Skipped the gains chart: the <code>backtest_gains</code> mart was not exported in this run.</p>'
    else:
        chart = _gains_chart(marts)
    return intro + chart + table


def _gains_chart(marts: Marts) -> str:
    import plotly.graph_objects as go

    order = "model_order, " if "model_order" in marts.columns("backtest_gains") else ""
    gains = marts.df(
        "select model, contacted_percent, contacted_share::double as contacted_share, "
        "captured_profit_share::double as captured_profit_share, perfect_profit_share::double as perfect_profit_share "
        f"from backtest_gains order by {order}model, contacted_percent"
    )
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=[0, 1],
            y=[0, 1],
            mode="lines",
            name="random order",
            line=dict(color=RANDOM_COLOUR, dash="dash"),
            hovertemplate="random: %{y:.0%}<extra></extra>",
        )
    )
    first = gains[gains["model"] == gains["model"].iloc[0]] if len(gains) else gains
    if len(first):
        fig.add_trace(
            go.Scatter(
                x=first["contacted_share"],
                y=first["perfect_profit_share"],
                mode="lines",
                name="perfect foresight",
                line=dict(color="#444444", dash="dot"),
                hovertemplate="perfect: %{y:.1%}<extra></extra>",
            )
        )
    for model in dict.fromkeys(gains["model"]):
        rows = gains[gains["model"] == model]
        fig.add_trace(
            go.Scatter(
                x=rows["contacted_share"],
                y=rows["captured_profit_share"],
                mode="lines",
                name=model,
                hovertemplate="%{x:.0%} contacted: %{y:.1%} of the profit<extra>" + html.escape(model) + "</extra>",
            )
        )
    fig.update_xaxes(title="share of customers contacted (the model's top first)", tickformat=".0%", range=[0, 1])
    fig.update_yaxes(title="share of the profit after the cutoff captured", tickformat=".0%")
    fig.update_layout(
        title="Backtest gains: profit after the cutoff captured by calling each model's top customers first",
        legend_title="model",
    )
    return _figure_html(fig, "backtest-gains")


def section_clusters(marts: Marts) -> str:
    import plotly.graph_objects as go

    columns = marts.columns("customer_clusters")
    label = next((c for c in ("cluster_label", "cluster_value_label", "value_label", "cluster") if c in columns), None)
    if label is None:
        raise Missing("customer_clusters (a cluster column)")
    data = marts.df(
        f"select {label}::varchar as cluster, count(*) as customers from customer_clusters group by all order by all"
    )
    fig = go.Figure(go.Bar(x=data["cluster"], y=data["customers"], marker_color="#4d4d4d"))
    fig.update_layout(title="Customers per K-Means cluster", xaxis_title=label, yaxis_title="customers")
    return _figure_html(fig, "customer-clusters")


BRIDGE_STEPS = [  # (label, column of net_revenue_retention, sign)
    ("new", "new_revenue", 1),
    ("expansion", "expansion_revenue", 1),
    ("reactivated", "reactivated_revenue", 1),
    ("contraction", "contraction_revenue", -1),
    ("churned", "churned_revenue", -1),
]
BRIDGE_COLOURS = {"up": "#1b7837", "down": "#b2182b", "total": "#4d4d4d"}
NO_RETENTION_PERIOD = (
    "No revenue retention yet: the history has no period end with two full years of orders "
    "before it (net revenue retention compares the last 365 days with the 365 before them)."
)


def section_revenue_retention(marts: Marts) -> str:
    """The revenue bridge of the last period end, then net revenue retention by value segment
    over the period ends (net_revenue_retention); one line when there is no period end."""
    needed = [
        "period_end",
        "dimension",
        "dimension_value",
        "revenue_year_before",
        "revenue",
        "net_revenue_retention",
        "gross_revenue_retention",
        "logo_retention",
    ] + [c for _, c, _ in BRIDGE_STEPS]
    if not marts.has("net_revenue_retention", *needed):
        raise Missing("net_revenue_retention")
    periods = marts.df("select count(distinct period_end) as n from net_revenue_retention")["n"].iloc[0]
    if periods == 0:
        return f'<p class="note" id="revenue-retention-none">{html.escape(NO_RETENTION_PERIOD)}</p>'
    return _revenue_bridge_chart(marts) + _nrr_by_segment_chart(marts)


def _revenue_bridge_chart(marts: Marts) -> str:
    import plotly.graph_objects as go

    steps = ", ".join(f"{column}::double as {column}" for _, column, _ in BRIDGE_STEPS)
    last = marts.df(
        "select period_end::varchar as period_end, revenue_year_before::double as revenue_year_before, "
        f"revenue::double as revenue, net_revenue_retention, gross_revenue_retention, logo_retention, {steps} "
        "from net_revenue_retention where dimension = 'all' "
        "order by period_end desc limit 1"
    ).iloc[0]
    labels = ["a year before"] + [label for label, _, _ in BRIDGE_STEPS] + ["now"]
    values = (
        [last["revenue_year_before"]] + [sign * last[column] for _, column, sign in BRIDGE_STEPS] + [last["revenue"]]
    )
    fig = go.Figure(
        go.Waterfall(
            x=labels,
            y=values,
            measure=["absolute"] + ["relative"] * len(BRIDGE_STEPS) + ["total"],
            text=[f"${v:,.0f}" if v >= 0 else f"−${-v:,.0f}" for v in values],
            textposition="outside",
            increasing=dict(marker=dict(color=BRIDGE_COLOURS["up"])),
            decreasing=dict(marker=dict(color=BRIDGE_COLOURS["down"])),
            totals=dict(marker=dict(color=BRIDGE_COLOURS["total"])),
            connector=dict(line=dict(color="#999999")),
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    fig.update_yaxes(title="revenue (Sales) of 365 days", tickprefix="$")
    fig.update_layout(
        title=f"Revenue bridge to {last['period_end']}: the 365 days before it against the 365 before those",
        showlegend=False,
    )

    def percent(value) -> str:
        return "n/a" if value is None or value != value else f"{value:.1%}"

    intro = (
        f'<p id="revenue-retention-summary">At {html.escape(str(last["period_end"]))}: net revenue retention '
        f"{percent(last['net_revenue_retention'])}, gross revenue retention {percent(last['gross_revenue_retention'])}, "
        f"logo retention {percent(last['logo_retention'])}. See docs/analytics.md.</p>"
    )
    return intro + _figure_html(fig, "revenue-bridge")


def _nrr_by_segment_chart(marts: Marts) -> str:
    import plotly.graph_objects as go

    data = marts.df(
        "select period_end, dimension_value, net_revenue_retention from net_revenue_retention "
        "where dimension in ('all', 'value_segment') and net_revenue_retention is not null "
        "order by period_end, dimension_value"
    )
    fig = go.Figure()
    for segment in _segment_order(set(data["dimension_value"]) - {"all"}) + ["all"]:
        rows = data[data["dimension_value"] == segment]
        if not len(rows):
            continue
        name = "all customers" if segment == "all" else segment
        fig.add_trace(
            go.Scatter(
                x=rows["period_end"],
                y=rows["net_revenue_retention"],
                mode="lines+markers",
                name=name,
                line=dict(color=SEGMENT_COLOURS.get(segment, "#4d4d4d"), dash="dash" if segment == "all" else "solid"),
                hovertemplate="%{x|%Y-%m-%d}: %{y:.1%}<extra>" + html.escape(name) + "</extra>",
            )
        )
    fig.add_hline(y=1, line=dict(color=RANDOM_COLOUR, dash="dot"))
    fig.update_xaxes(title="period end")
    fig.update_yaxes(title="net revenue retention", tickformat=".0%")
    fig.update_layout(title="Net revenue retention by value segment a year before", legend_title="value segment")
    return _figure_html(fig, "nrr-by-segment")


def _money(value) -> str:
    if value is None or value != value:
        return "–"
    return f"${value:,.0f}" if value >= 0 else f"−${-value:,.0f}"


def _table(table_id: str, header: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """An HTML table of already-formatted cells (escaped here); `numeric` columns align right."""
    head = "".join(f"<th>{html.escape(column)}</th>" for column in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{html.escape(str(cell))}</td>'
            if index in numeric
            else f"<td>{html.escape(str(cell))}</td>"
            for index, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _horizon_column(marts: Marts, prefix: str) -> str | None:
    """The horizon-named column of customer_lifetime_value (e.g. predicted_value_next_365)."""
    return next((column for column in marts.columns("customer_lifetime_value") if column.startswith(prefix)), None)


def _last_year_profit(marts: Marts) -> str:
    """SQL: profit per customer of the 365 days before the analysis date (order_facts)."""
    return (
        "select customer_id, sum(profit)::double as last_year_profit from order_facts "
        "where order_date >= analysis_date - interval 365 day group by customer_id"
    )


def summary_block(marts: Marts, summary: dict | None) -> str:
    """The figures a reader wants first, then one line per forecast or backtest the
    data was too small for (run_summary.json's `minimum_data`)."""
    figures: list[tuple[str, str]] = []
    if marts.has("customer_segments", "customer_id", "value_segment", "total_profit"):
        totals = marts.df(
            "select count(*) as customers, sum(total_profit)::double as profit, "
            "coalesce(sum(case when value_segment = 'High-Value' then total_profit end), 0)::double as high_value_profit "
            "from customer_segments"
        ).iloc[0]
        share = totals["high_value_profit"] / totals["profit"] if totals["profit"] and totals["profit"] > 0 else None
        figures.append(("customers", f"{totals['customers']:,.0f}"))
        figures.append(("High-Value share of profit", f"{share:.0%}" if share is not None and share == share else "–"))
        if marts.has("mid_value_opportunities", "customer_id"):
            gems = marts.df(
                "select count(*) as customers, coalesce(sum(s.total_profit), 0)::double as profit "
                "from mid_value_opportunities as m "
                "inner join customer_segments as s on m.customer_id = s.customer_id"
            ).iloc[0]
            figures.append(
                (
                    "hidden gems (Mid-Value, top profit quartile)",
                    f"{gems['customers']:,.0f}, with {_money(gems['profit'])} of profit",
                )
            )
        if marts.has("customer_segments", "is_churn_risk"):
            last_year = "0"
            join = ""
            if marts.has("order_facts", "customer_id", "order_date", "profit", "analysis_date"):
                join = f"left join ({_last_year_profit(marts)}) as y on s.customer_id = y.customer_id"
                last_year = "coalesce(y.last_year_profit, 0)"
            churn = marts.df(
                f"select count(*) as customers, coalesce(sum({last_year}), 0)::double as profit "
                f"from customer_segments as s {join} "
                "where s.is_churn_risk"
            ).iloc[0]
            figures.append(
                (
                    "churn-risk customers",
                    f"{churn['customers']:,.0f}, who made {_money(churn['profit'])} of profit last year",
                )
            )
    if marts.has("customer_lifetime_value", "customer_id"):
        value_column = _horizon_column(marts, "predicted_value_next_")
        if value_column:
            horizon = value_column.rsplit("_", 1)[1]
            forecast = marts.df(
                f'select sum("{value_column}")::double as value, count("{value_column}") as customers '
                "from customer_lifetime_value"
            ).iloc[0]
            label = "predicted profit, next year" if horizon == "365" else f"predicted profit, next {horizon} days"
            figures.append((label, _money(forecast["value"]) if forecast["customers"] else "– (no forecast)"))
    notes = list((summary or {}).get("minimum_data") or [])
    if not figures and not notes:
        return ""
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd>" for k, v in figures)
    lines = "".join(f'<p class="minimum-data">Too little data: {html.escape(note)}.</p>' for note in notes)
    return f'<section id="summary"><h2>Summary</h2><dl class="summary">{items}</dl>{lines}</section>'


FITTER_NAMES = {"bg_nbd": "BG/NBD", "mbg_nbd": "MBG/NBD", "pareto_nbd": "Pareto/NBD", "gamma_gamma": "Gamma-Gamma"}


def section_lifetime_value(marts: Marts) -> str:
    """The chosen purchase model and its fit, P(alive) against expected orders,
    and the distribution of predicted lifetime value."""
    import plotly.graph_objects as go

    orders_column = _horizon_column(marts, "expected_orders_next_")
    if orders_column is None or not marts.has(
        "customer_lifetime_value", "probability_alive", "predicted_lifetime_value"
    ):
        raise Missing("customer_lifetime_value (probability_alive, expected orders, predicted_lifetime_value)")
    parts = []
    if marts.has("clv_model_fits", "fitter", "snapshot_name", "status"):
        fit_columns = set(marts.columns("clv_model_fits"))
        chosen = "coalesce(is_chosen, false)" if "is_chosen" in fit_columns else "false"
        method = "coalesce(fit_method, '')" if "fit_method" in fit_columns else "''"
        fits = marts.df(
            f"select fitter, status, {method} as fit_method, {chosen} as is_chosen, log_likelihood::double as ll, "
            "customers, message from clv_model_fits where snapshot_name = 'analysis_date' "
            "order by case fitter when 'bg_nbd' then 1 when 'mbg_nbd' then 2 when 'pareto_nbd' then 3 else 4 end, fitter"
        )
        picked = fits[fits["is_chosen"]]
        if len(picked):
            row = picked.iloc[0]
            others = ", ".join(
                FITTER_NAMES.get(f, f) for f in fits["fitter"] if f not in (row["fitter"], "gamma_gamma")
            )
            parts.append(
                f"<p>Purchase model: <strong>{html.escape(FITTER_NAMES.get(row['fitter'], row['fitter']))}</strong>, "
                f"chosen over {html.escape(others)} by the highest log-likelihood "
                f"({row['ll']:,.1f}), fitted by {html.escape(row['fit_method'].replace('_', ' '))}. "
                "Spend per order: Gamma-Gamma. See docs/forecasting.md.</p>"
            )
        else:
            parts.append("<p>No purchase model could be fitted on this data; see the fits below.</p>")
        parts.append(
            _table(
                "clv-model-fits",
                ["model", "status", "fit", "chosen", "log-likelihood", "customers", "message"],
                [
                    [
                        FITTER_NAMES.get(r.fitter, r.fitter),
                        r.status,
                        r.fit_method.replace("_", " "),
                        "yes" if r.is_chosen else "",
                        f"{r.ll:,.1f}" if r.ll == r.ll else "–",
                        f"{r.customers:,.0f}",
                        r.message if len(r.message or "") <= 160 else r.message[:157] + "...",
                    ]
                    for r in fits.itertuples(index=False)
                ],
                numeric={4, 5},
            )
        )
    data = marts.df(
        f'select probability_alive::double as alive, "{orders_column}"::double as orders, '
        "predicted_lifetime_value::double as lifetime_value from customer_lifetime_value "
        "where probability_alive is not null"
    )
    if not len(data):
        statuses = (
            marts.df("select distinct forecast_status from customer_lifetime_value")["forecast_status"]
            if marts.has("customer_lifetime_value", "forecast_status")
            else []
        )
        reason = ", ".join(str(status) for status in statuses) or "no forecast"
        parts.append(
            f'<p class="note">No customer has a forecast ({html.escape(reason)}): there is nothing to chart.</p>'
        )
        return "".join(parts)
    horizon = orders_column.rsplit("_", 1)[1]
    scatter = go.Figure(
        go.Scatter(
            x=data["alive"],
            y=data["orders"],
            mode="markers",
            marker=dict(color="#2166ac", opacity=0.6),
            hovertemplate="P(alive) %{x:.2f}: %{y:.1f} orders<extra></extra>",
        )
    )
    scatter.update_layout(
        title=f"Probability alive against expected orders in the next {horizon} days",
        xaxis_title="probability_alive",
        yaxis_title=f"expected orders, next {horizon} days",
    )
    scatter.update_xaxes(range=[-0.02, 1.02])
    parts.append(_figure_html(scatter, "clv-alive-orders"))
    values = data["lifetime_value"].dropna()
    histogram = go.Figure(go.Histogram(x=values, nbinsx=30, marker_color="#1b7837"))
    histogram.update_layout(
        title="Distribution of predicted lifetime value (discounted profit)",
        xaxis_title="predicted_lifetime_value",
        yaxis_title="customers",
    )
    parts.append(_figure_html(histogram, "clv-value-distribution"))
    return "".join(parts)


def section_churn_risk(marts: Marts) -> str:
    """The churn-risk customers, the most profitable last year first."""
    join, last_year = "", "null::double"
    if marts.has("order_facts", "customer_id", "order_date", "profit", "analysis_date"):
        join = f"left join ({_last_year_profit(marts)}) as y on s.customer_id = y.customer_id"
        last_year = "coalesce(y.last_year_profit, 0)"
    alive_join, alive = "", "null::double"
    if marts.has("customer_lifetime_value", "customer_id", "probability_alive"):
        alive_join = "left join customer_lifetime_value as c on s.customer_id = c.customer_id"
        alive = "c.probability_alive::double"
    rows = marts.df(
        f"select s.customer_name, s.value_segment, s.recency_days, {last_year} as last_year_profit, "
        f"s.total_profit::double as total_profit, {alive} as alive from customer_segments as s {join} {alive_join} "
        "where s.is_churn_risk order by last_year_profit desc nulls last, s.total_profit desc, s.customer_id limit 25"
    )
    count = marts.df("select count(*) as n from customer_segments where is_churn_risk").iloc[0]["n"]
    if not count:
        return '<p class="note">No customer is at churn risk in this run.</p>'
    intro = (
        f"<p>{count:,.0f} customers have gone quiet for longer than their usual gap between orders allows "
        "(<code>is_churn_risk</code>); the 25 that made the most profit last year first.</p>"
    )
    return intro + _table(
        "churn-risk-customers",
        ["customer", "value segment", "days since last order", "profit last year", "profit to date", "P(alive)"],
        [
            [
                r.customer_name,
                r.value_segment,
                f"{r.recency_days:,.0f}",
                _money(r.last_year_profit),
                _money(r.total_profit),
                f"{r.alive:.2f}" if r.alive == r.alive and r.alive is not None else "–",
            ]
            for r in rows.itertuples(index=False)
        ],
        numeric={2, 3, 4, 5},
    )


def section_cross_sell(marts: Marts) -> str:
    """The up-sell and cross-sell recommendations of the most profitable customers."""
    rows = (
        marts.df(
            "select r.customer_name, r.recommendation_rank, r.product, r.recommendation_type, r.reason "
            "from cross_sell_recommendations as r left join customer_segments as s on r.customer_id = s.customer_id "
            "order by s.total_profit desc nulls last, r.customer_id, r.recommendation_rank limit 30"
        )
        if marts.has("customer_segments", "total_profit")
        else marts.df(
            "select customer_name, recommendation_rank, product, recommendation_type, reason "
            "from cross_sell_recommendations order by customer_id, recommendation_rank limit 30"
        )
    )
    if not len(rows):
        return '<p class="note">No recommendation in this run.</p>'
    total = marts.df("select count(*) as n, count(distinct customer_id) as c from cross_sell_recommendations").iloc[0]
    intro = (
        f"<p>{total['n']:,.0f} recommendations for {total['c']:,.0f} customers; those of the most "
        "profitable customers first.</p>"
    )
    return intro + _table(
        "cross-sell-recommendations",
        ["customer", "rank", "product", "type", "why"],
        [
            [r.customer_name, f"{r.recommendation_rank:.0f}", r.product, r.recommendation_type, r.reason]
            for r in rows.itertuples(index=False)
        ],
        numeric={1},
    )


def _profit_column(marts: Marts) -> str:
    return "total_profit" if marts.has("customer_segments", "total_profit") else "monetary"


# (title, marts it needs, columns of the first, builder); a missing mart skips the section.
SECTIONS: list[tuple[str, str, tuple[str, ...], Callable[[Marts], str]]] = [
    ("Value segments", "customer_segments", ("value_segment",), section_segment_sizes),
    ("Top 20 customers", "customer_segments", ("customer_id", "value_segment"), section_top_customers),
    ("LRFM score distribution", "customer_segments", ("lrfm_score", "value_segment"), section_lrfm_distribution),
    ("Value segment × industry", "", (), section_industry_heatmap),
    ("Mid-value opportunities", "mid_value_opportunities", (), section_mid_value_table),
    ("Segment migrations", "segment_migrations", (), section_migration_matrix),
    ("Revenue retention", "", (), section_revenue_retention),
    ("Lifetime value", "customer_lifetime_value", (), section_lifetime_value),
    ("Churn risk", "customer_segments", ("is_churn_risk", "customer_name"), section_churn_risk),
    ("Cross-sell and up-sell", "cross_sell_recommendations", (), section_cross_sell),
    ("Backtest", "segment_backtest", (), section_backtest),
    ("Clusters", "customer_clusters", (), section_clusters),
]
OPTIONAL_MARTS = {"segment_migrations", "segment_backtest", "customer_clusters", "customer_lifetime_value"}


def _facts(summary: dict | None) -> str:
    if not summary:
        return ""
    source = summary.get("input") or {}
    versions = summary.get("versions") or {}
    facts = [
        ("analysis date", summary.get("analysis_date")),
        ("input", source.get("path")),
        ("input lines", source.get("rows")),
        (
            "clean / rejected",
            f"{source.get('clean_rows')} / {source.get('rejected_rows')}"
            if source.get("clean_rows") is not None
            else None,
        ),
        ("finished", summary.get("finished_at")),
        ("versions", ", ".join(f"{k} {v}" for k, v in versions.items())),
    ]
    items = "".join(f"<dt>{html.escape(k)}</dt><dd>{html.escape(str(v))}</dd>" for k, v in facts if v not in (None, ""))
    return f'<dl class="facts">{items}</dl>'


def render(export_dir: Path, summary: dict | None = None) -> str:
    """The whole report as one HTML string."""
    import plotly.io
    import plotly.offline

    marts = Marts(export_dir)
    parts = []
    # Every chart gets the plotly_white template as the default one, which plotly
    # applies as it is without validating it again; `update_layout(template=...)`
    # validated and copied it for every chart, half of the report's time.
    default_template = plotly.io.templates.default
    plotly.io.templates.default = "plotly_white"
    try:
        headline = summary_block(marts, summary)
        parts = _sections(marts)
    finally:
        plotly.io.templates.default = default_template
    exported = sorted(p.stem for p in Path(export_dir).glob("*.parquet"))
    return TEMPLATE.format(
        plotlyjs=plotly.offline.get_plotlyjs(),
        facts=headline + _facts(summary),
        marts=html.escape(", ".join(exported) or "none"),
        sections="\n".join(parts),
    )


def _sections(marts: Marts) -> list[str]:
    parts = []
    for number, (title, mart, columns, builder) in enumerate(SECTIONS, start=1):
        anchor = f"section-{number}"
        if mart and not marts.has(mart, *columns):
            if mart in OPTIONAL_MARTS:
                body = f'<p class="note">Skipped: the <code>{mart}</code> mart was not exported in this run.</p>'
            else:
                needed = f" (with {', '.join(columns)})" if columns else ""
                body = (
                    f'<p class="note">Skipped: the <code>{mart}</code> mart{needed} was not exported in this run.</p>'
                )
        else:
            try:
                body = builder(marts)
            except Missing as missing:
                body = f'<p class="note">Skipped: {html.escape(str(missing))} was not exported in this run.</p>'
        parts.append(f'<section id="{anchor}"><h2>{html.escape(title)}</h2>{body}</section>')
    return parts


def write_report(export_dir: Path, path: Path | None = None, summary: dict | None = None) -> Path:
    path = Path(path) if path else Path(export_dir) / "report.html"
    path.write_text(render(Path(export_dir), summary), encoding="utf-8")
    return path


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer value report</title>
<script>
/* Any script error is recorded on <html data-js-errors> so a headless check can see it. */
window.addEventListener("error", function (event) {{
  var root = document.documentElement;
  root.setAttribute("data-js-errors", (root.getAttribute("data-js-errors") || "") + String(event.message) + " | ");
}});
</script>
<script>{plotlyjs}</script>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 1200px; padding: 1.5rem; color: #222; }}
h1 {{ margin-bottom: .25rem; }}
section {{ margin: 2rem 0; border-top: 1px solid #ddd; padding-top: .5rem; }}
.note {{ color: #777; font-style: italic; }}
dl.facts {{ display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; font-size: .9rem; }}
dl.facts dt {{ color: #666; }} dl.facts dd {{ margin: 0; }}
table {{ border-collapse: collapse; font-size: .85rem; width: 100%; }}
th, td {{ border-bottom: 1px solid #e5e5e5; padding: .35rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #f5f5f5; }} td.num {{ text-align: right; }}
#segment-backtest-table {{ table-layout: fixed; font-size: .72rem; }}
#segment-backtest-table th, #segment-backtest-table td {{ padding: .25rem .2rem; overflow-wrap: anywhere; }}
#segment-backtest-table th:first-child, #segment-backtest-table td:first-child {{ width: 9rem; }}
dl.summary {{ display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.5rem; font-size: 1.05rem; }}
dl.summary dt {{ color: #555; }} dl.summary dd {{ margin: 0; font-weight: 600; }}
.minimum-data {{ color: #8a4b00; margin: .3rem 0; }}
</style>
</head>
<body>
<h1>Customer value report</h1>
<p>LRFM value segments of the latest run. Exported marts: {marts}.</p>
{facts}
{sections}
</body>
</html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="customer-value report", description="Write report.html from exported marts.")
    parser.add_argument("export_dir", type=Path)
    parser.add_argument("--output", type=Path, help="default: EXPORT_DIR/report.html")
    args = parser.parse_args(argv)
    summary_path = args.export_dir / "run_summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else None
    print(write_report(args.export_dir, args.output, summary))
    return 0
