"""Classification evaluation reports (HTML and Markdown) with confusion matrices drawn as inline SVG."""
from __future__ import annotations

import html
import time

from engine.errors import UserError


def confusion_svg(confusion: dict, title: str) -> str:
    """A heat-map table: rows are gold labels, columns predicted labels, darker = more examples."""
    rows, cols, matrix = confusion["rows"], confusion["columns"], confusion["matrix"]
    cell, left, top = 34, 150, 130
    width, height = left + cell * len(cols) + 10, top + cell * len(rows) + 30
    peak = max([max(r) for r in matrix] + [1])
    esc = html.escape
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11" role="img">',
             f'<title>{esc(title)}</title>',
             f'<text x="{left}" y="14" font-weight="bold">{esc(title)}</text>',
             f'<text x="{left + cell * len(cols) / 2:.1f}" y="30" text-anchor="middle" fill="#555">predicted</text>',
             f'<text x="12" y="{top + cell * len(rows) / 2:.1f}" fill="#555" '
             f'transform="rotate(-90 12 {top + cell * len(rows) / 2:.1f})" text-anchor="middle">gold</text>']
    for j, name in enumerate(cols):
        x = left + j * cell + cell / 2
        parts.append(f'<text x="{x:.1f}" y="{top - 6}" transform="rotate(-45 {x:.1f} {top - 6})">{esc(name)}</text>')
    for i, name in enumerate(rows):
        y = top + i * cell
        parts.append(f'<text x="{left - 6}" y="{y + cell / 2 + 4:.1f}" text-anchor="end">{esc(name)}</text>')
        for j, value in enumerate(matrix[i]):
            x = left + j * cell
            shade = value / peak
            fill = (f"rgb({int(255 - 208 * shade)},{int(255 - 144 * shade)},{int(255 - 32 * shade)})"
                    if rows[i] == cols[j] else f"rgb(255,{int(255 - 150 * shade)},{int(255 - 150 * shade)})")
            colour = "#fff" if shade > 0.6 else "#000"
            parts.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}" stroke="#ccc">'
                         f'<title>gold {esc(name)}, predicted {esc(cols[j])}: {value}</title></rect>')
            parts.append(f'<text x="{x + (cell - 2) / 2:.1f}" y="{y + cell / 2 + 3:.1f}" text-anchor="middle" '
                         f'fill="{colour}">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _ci(metrics: dict, key: str) -> str:
    low, high = metrics.get("ci", {}).get(key, (None, None))
    return f"{metrics[key]:.2f} [{low:.2f}–{high:.2f}]" if low is not None else f"{metrics[key]:.2f}"


def _summary_rows(report: dict) -> list[list[str]]:
    multi = report["multi_label"]
    rows = [["System", ("Subset accuracy" if multi else "Accuracy") + " % [95% CI]", "Macro-F1 % [95% CI]",
             "Macro precision %", "Macro recall %"]
            + (["Micro-F1 % [95% CI]", "Hamming loss"] if multi else []) + ["Outside label set"]]
    for s in report["systems"]:
        m = s["metrics"]
        rows.append([s["label"], _ci(m, "accuracy"), _ci(m, "macro_f1"), f"{m['macro_precision']:.2f}",
                     f"{m['macro_recall']:.2f}"]
                    + ([_ci(m, "micro_f1"), f"{m['hamming_loss']:.4f}"] if multi else []) + [str(m["outside"])])
    if any(s["metrics"].get("calibration") for s in report["systems"]):
        rows[0].append("Temperature; ECE before → after")
        for row, s in zip(rows[1:], report["systems"]):
            c = s["metrics"].get("calibration")
            row.append(f"{c['temperature']:g}; {c['ece_before']:.4f} → {c['ece_after']:.4f}" if c else "–")
    return rows


def _class_rows(report: dict) -> list[list[str]]:
    header = ["Label", "Support"]
    for s in report["systems"]:
        header += [f"{s['label']} P", "R", "F1"]
    rows = [header]
    for label in report["labels"]:
        name = label["name"]
        row = [name, str(report["systems"][0]["metrics"]["per_class"][name]["support"])]
        for s in report["systems"]:
            c = s["metrics"]["per_class"][name]
            row += [f"{c['precision']:.1f}", f"{c['recall']:.1f}", f"{c['f1']:.1f}"]
        rows.append(row)
    return rows


def _matrices(report: dict) -> list[str]:
    return [confusion_svg(s["metrics"]["confusion"], f"Confusion matrix: {s['label']}")
            for s in report["systems"] if s["metrics"].get("confusion")]


def _header(report: dict) -> str:
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(report["created_at"]))
    return (f"Dataset {report['dataset']} version {report['dataset_version']}, split {report['split']}, "
            f"{report['examples']} examples, {len(report['labels'])} labels"
            f"{' (multi-label)' if report['multi_label'] else ''}, answers by {report['method']}. Generated {when}.")


def _md_table(rows: list[list[str]]) -> list[str]:
    def cell(text: str) -> str:
        return " ".join(str(text).split()).replace("|", "\\|")
    return (["| " + " | ".join(cell(c) for c in rows[0]) + " |", "|" + "---|" * len(rows[0])]
            + ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows[1:]])


def render_markdown(report: dict) -> str:
    lines = [f"# Evaluation: {report['task']} (classification)", "", _header(report), ""]
    if report["warnings"]:
        lines += ["## Warnings", ""] + [f"- {w}" for w in report["warnings"]] + [""]
    lines += ["## Summary", ""] + _md_table(_summary_rows(report))
    lines += ["", "## Per class", ""] + _md_table(_class_rows(report))
    lines += ["", "## Confusion matrices", ""]
    for svg in _matrices(report):
        lines += [svg, ""]
    lines += ["## Hardest examples", ""]
    for s in report["samples"]:
        answers = "; ".join(f"{k}: {v['label']}" + (f" ({v['confidence']:.2f})" if v["confidence"] is not None else "")
                            for k, v in s["answers"].items())
        lines.append(f"- {' '.join(s['prompt'].split())[:160]} — gold **{s['gold']}** — {answers}")
    return "\n".join(lines) + "\n"


def _html_table(rows: list[list[str]]) -> str:
    esc = html.escape
    return ("<table><thead><tr>" + "".join(f"<th>{esc(c)}</th>" for c in rows[0]) + "</tr></thead><tbody>"
            + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
            + "</tbody></table>")


def render_html(report: dict) -> str:
    esc = html.escape
    warnings = ("<h2>Warnings</h2><ul>" + "".join(f"<li>{esc(w)}</li>" for w in report["warnings"]) + "</ul>"
                if report["warnings"] else "")
    samples = "".join(
        f"<li>{esc(s['prompt'][:300])}<br>gold <b>{esc(s['gold'])}</b>; "
        + "; ".join(f"{esc(k)}: {esc(v['label'])}" + (f" ({v['confidence']:.2f})" if v["confidence"] is not None
                                                        else "") for k, v in s["answers"].items()) + "</li>"
        for s in report["samples"])
    labels = "".join(f"<li><b>{esc(l['name'])}</b>{': ' + esc(l['description']) if l['description'] else ''}</li>"
                     for l in report["labels"])
    return (
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>Evaluation: {esc(report['task'])}</title><style>"
        "body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse;margin:1em 0}"
        "td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}td:first-child,th:first-child{text-align:left}"
        "</style></head><body>"
        f"<h1>Evaluation: {esc(report['task'])} (classification)</h1><p>{esc(_header(report))}</p>{warnings}"
        f"<h2>Summary</h2>{_html_table(_summary_rows(report))}<h2>Labels</h2><ul>{labels}</ul>"
        f"<h2>Per class</h2>{_html_table(_class_rows(report))}<h2>Confusion matrices</h2>{''.join(_matrices(report))}"
        f"<h2>Hardest examples</h2><ul>{samples}</ul></body></html>\n")


def render(report: dict, fmt: str) -> str:
    if fmt in ("md", "markdown"):
        return render_markdown(report)
    if fmt in ("html", "htm"):
        return render_html(report)
    raise UserError(f"unknown report format '{fmt}'", hint="use html or md")
