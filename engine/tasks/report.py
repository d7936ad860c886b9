"""Evaluation reports as HTML or Markdown, with a grouped bar chart drawn as inline SVG.

The chart is plain SVG text so the report opens in any browser on an
air-gapped machine and needs no plotting library.
"""
from __future__ import annotations

import html
import time

METRIC_LABELS = {
    "bleu": "BLEU", "rouge_l": "ROUGE-L", "distinct_1": "Distinct-1", "distinct_2": "Distinct-2",
    "pass_rate": "Pass rate %", "avg_chars": "Avg chars", "perplexity": "Perplexity (test)",
}
CHART_METRICS = ("bleu", "rouge_l", "distinct_1", "distinct_2", "pass_rate")
COLORS = ("#8c8c8c", "#2f6fdf", "#e07b00", "#2a9d5c")


def svg_chart(systems: list[dict], metrics=CHART_METRICS) -> str:
    """Grouped bars: one group per metric (0-100 scale), one bar per system, with a legend."""
    width, height, left, bottom, top = 640, 300, 40, 40, 40
    plot_w, plot_h = width - left - 10, height - bottom - top
    group_w = plot_w / max(1, len(metrics))
    bar_w = min(36.0, (group_w - 16) / max(1, len(systems)))
    esc = html.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img">']
    for tick in range(0, 101, 25):
        y = top + plot_h - plot_h * tick / 100
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}</text>')
    for g, metric in enumerate(metrics):
        x0 = left + g * group_w + (group_w - bar_w * len(systems)) / 2
        for s, system in enumerate(systems):
            value = float(system["metrics"].get(metric, 0.0))
            bar_h = plot_h * max(0.0, min(100.0, value)) / 100
            x, y = x0 + s * bar_w, top + plot_h - bar_h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{bar_h:.1f}" '
                         f'fill="{COLORS[s % len(COLORS)]}"><title>{esc(system["label"])}: {value:g}</title></rect>')
            parts.append(f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                         f'font-size="9">{value:.1f}</text>')
        parts.append(f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{height - bottom + 16}" '
                     f'text-anchor="middle">{esc(METRIC_LABELS[metric])}</text>')
    for s, system in enumerate(systems):
        x = left + s * 170
        parts.append(f'<rect x="{x}" y="10" width="12" height="12" fill="{COLORS[s % len(COLORS)]}"/>')
        parts.append(f'<text x="{x + 16}" y="20">{esc(system["label"])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _chosen(report: dict) -> list[str]:
    """The task's evaluation choice, in display order (all metrics when it made none)."""
    chosen = list(report.get("metrics") or METRIC_LABELS)
    if any("perplexity" in s["metrics"] for s in report.get("systems", [])):
        chosen.append("perplexity")   # measured on every generation evaluation
    return [m for m in METRIC_LABELS if m in chosen]


def _table_rows(systems: list[dict], metrics: list[str]) -> list[list[str]]:
    header = ["Metric"] + [s["label"] for s in systems]
    rows = [header]
    for metric in metrics:
        rows.append([METRIC_LABELS[metric]] + [f'{s["metrics"][metric]:g}' if metric in s["metrics"] else "-" for s in systems])
    return rows


def _chart(report: dict) -> str:
    return svg_chart(report["systems"], [m for m in _chosen(report) if m in CHART_METRICS] or CHART_METRICS)


def render_markdown(report: dict) -> str:
    rows = _table_rows(report["systems"], _chosen(report))
    lines = [f"# Evaluation: {report['task']}", "",
             f"Dataset `{report['dataset']}` version {report['dataset_version']}, split `{report['split']}`, "
             f"{report['examples']} examples. Generated {time.strftime('%Y-%m-%d %H:%M', time.localtime(report['created_at']))}.",
             "", "| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    lines += ["", _chart(report), "", "## Samples", ""]
    def one_line(text: str) -> str:
        return " ".join(str(text).split()).replace("|", "\\|")

    for sample in report.get("samples", []):
        lines.append(f"- **Prompt:** {one_line(sample['prompt'])}")
        lines.append(f"  - Reference: {one_line(sample['reference'])}")
        for label, text in sample["outputs"].items():
            lines.append(f"  - {label}: {one_line(text)}")
    return "\n".join(lines) + "\n"


def render_html(report: dict) -> str:
    esc = html.escape
    rows = _table_rows(report["systems"], _chosen(report))
    table = "<table><thead><tr>" + "".join(f"<th>{esc(c)}</th>" for c in rows[0]) + "</tr></thead><tbody>"
    table += "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
    table += "</tbody></table>"
    samples = "".join(
        f"<li><b>Prompt:</b> {esc(s['prompt'])}<ul><li>Reference: {esc(s['reference'])}</li>"
        + "".join(f"<li>{esc(label)}: {esc(text)}</li>" for label, text in s["outputs"].items()) + "</ul></li>"
        for s in report.get("samples", []))
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(report["created_at"]))
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Evaluation: {esc(report['task'])}</title><style>"
        "body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}"
        "</style></head><body>"
        f"<h1>Evaluation: {esc(report['task'])}</h1>"
        f"<p>Dataset <code>{esc(report['dataset'])}</code> version {report['dataset_version']}, split "
        f"<code>{esc(report['split'])}</code>, {report['examples']} examples. Generated {when}.</p>"
        f"{table}<h2>Chart</h2>{_chart(report)}<h2>Samples</h2><ul>{samples}</ul></body></html>\n")


def render(report: dict, fmt: str) -> str:
    if fmt in ("md", "markdown"):
        return render_markdown(report)
    if fmt in ("html", "htm"):
        return render_html(report)
    from engine.errors import UserError
    raise UserError(f"unknown report format '{fmt}'", hint="use html or md")
