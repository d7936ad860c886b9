"""Human-readable text for run monitoring, classification evaluations and leaderboards."""
from __future__ import annotations

import time

from engine.cli.words import word
from engine.i18n import tr


def _num(value, fmt: str = "{:.1f}", none: str = "-") -> str:
    return none if value is None else fmt.format(value)


def trends_text(result: dict) -> str:
    runs = result["runs"]
    if not runs:
        return tr("task {task} has no runs yet", task=result["task"])
    alerts = ", ".join(f"{k}={v:g}" for k, v in result["alerts"].items()) or tr("none set")
    lines = [tr("task {task}: {count} run(s), alert thresholds: {alerts}", task=result["task"], count=len(runs),
                alerts=alerts), "",
             f"{tr('run'):<34} {tr('state'):<9} {tr('items'):>7} {tr('items/min'):>10} {tr('pass %'):>7} "
             f"{tr('error %'):>8} {tr('retries'):>8} {tr('conf'):>6} {tr('s/item'):>7} {tr('quality'):>13}  "
             + tr("flags")]
    for r in runs:
        when = time.strftime("%m-%d %H:%M", time.localtime(r["created_at"]))
        if result.get("classify"):
            quality = "-" if r.get("accuracy") is None else tr("acc {percent}%", percent=f"{r['accuracy']:.1f}")
        else:
            quality = "-" if r.get("approval_rate") is None else tr("approved {percent}%",
                                                                    percent=f"{r['approval_rate']:.0f}")
        lines.append(f"{r['run_id'][:22] + ' ' + when:<34} {word(r['state'], 'state'):<9} "
                     f"{str(r['finished_items']) + '/' + str(r['items']):>7} {_num(r['items_per_minute']):>10} "
                     f"{_num(r['pass_rate']):>7} {_num(r['error_rate']):>8} {r['retries']:>8} "
                     f"{_num(r.get('mean_confidence'), '{:.2f}'):>6} {_num(r.get('seconds_per_item'), '{:.2f}'):>7} "
                     f"{quality:>13}  {'; '.join(r['flags']) or tr('ok')}")
    if result["trend"]:
        lines += ["", tr("trend (last run minus first): {changes}",
                         changes=", ".join(f"{k} {v:+g}" for k, v in result["trend"].items()))]
    if result["slowest_steps"]:
        lines += ["", tr("slowest steps (mean seconds per output):")]
        lines += [f"  {s['step']:<20} " + tr("{seconds}s over {count} outputs", seconds=f"{s['mean_seconds']:.4f}",
                                            count=s["outputs"]) for s in result["slowest_steps"][:5]]
    lines += ["", tr("most-failed rules:")]
    lines += [f"  {r['rule']:<16} " + tr("failed {failed} of {checked} (pass rate {percent}%)", failed=r["failed"],
                                         checked=r["checked"], percent=f"{r['pass_rate']:.1f}")
              for r in result["most_failed_rules"][:5]] or ["  " + tr("none")]
    causes: dict[str, int] = {}
    for r in runs:
        for cause, count in r["failures_by_cause"].items():
            causes[cause] = causes.get(cause, 0) + count
    if causes:
        lines += ["", tr("failures by cause: {causes}", causes=", ".join(
            f"{k} {v}" for k, v in sorted(causes.items(), key=lambda kv: -kv[1])))]
    if result["flagged_runs"]:
        lines += ["", tr("FLAGGED: {count} run(s): {runs}", count=len(result["flagged_runs"]),
                         runs=", ".join(result["flagged_runs"]))]
    return "\n".join(lines)


def _ci(metrics: dict, key: str) -> str:
    low, high = metrics["ci"][key]
    return f"{metrics[key]:6.2f} [{low:6.2f}-{high:6.2f}]"


def classify_eval_text(result: dict) -> str:
    lines = [tr("{count} test examples, dataset version {version}", count=result["examples"],
                version=result["dataset_version"]), "",
             f"{'system':<28} {'accuracy % [95% CI]':>26} {'macro-F1 % [95% CI]':>26} {'outside':>8}"]
    for s in result["systems"]:
        m = s["metrics"]
        lines.append(f"{s['label'][:28]:<28} {_ci(m, 'accuracy'):>26} {_ci(m, 'macro_f1'):>26} {m['outside']:>8}")
    for s in result["systems"]:
        m = s["metrics"]
        if "micro_f1" in m:   # multi-label: accuracy above is the subset accuracy
            lines.append(f"{s['label'][:28]:<28} micro-F1 {_ci(m, 'micro_f1')}, Hamming loss {m['hamming_loss']:.4f}, "
                         "subset accuracy = accuracy")
        for label, c in (m.get("per_class") or {}).items() if "micro_f1" in m else ():
            lines.append(f"  {label[:26]:<26} P {c['precision']:6.2f}  R {c['recall']:6.2f}  F1 {c['f1']:6.2f}  "
                         f"n={c['support']}")
    for s in result["systems"]:
        c = s["metrics"].get("calibration")
        if c:
            lines.append(f"{s['label'][:28]:<28} calibration: temperature {c['temperature']:g} fitted on "
                         f"{c['val_examples']} validation examples; ECE {c['ece_before']:.4f} -> {c['ece_after']:.4f}, "
                         f"test NLL {c['test_nll_before']:.4f} -> {c['test_nll_after']:.4f}")
    for s in result["systems"]:
        confusion = s["metrics"].get("confusion")
        if not confusion:
            continue
        width = max(6, *(len(c) for c in confusion["columns"]))
        lines += ["", tr("confusion matrix, {system} (rows gold, columns predicted):", system=s["label"]),
                  " " * (width + 1) + " ".join(f"{c[:width]:>{width}}" for c in confusion["columns"])]
        for name, row in zip(confusion["rows"], confusion["matrix"]):
            lines.append(f"{name[:width]:<{width}} " + " ".join(f"{v:>{width}}" for v in row))
    for warning in result.get("warnings", []):
        lines.append(tr("warning: {warning}", warning=warning))
    lines.append(tr("report: {path}", path=result["report"]["html"]))
    return "\n".join(lines)


def leaderboard_text(result: dict) -> str:
    lines = [tr("task {task}: dataset {dataset} version {version}, split {split}, metric {metric} (95% bootstrap "
                "interval)", task=result["task"], dataset=result["dataset"], version=result["dataset_version"],
                split=word(result["split"], "split"), metric=result["metric"]), ""]
    for rank, e in enumerate(result["entries"], 1):
        newest = "  " + tr("<- newest") if e["system"] == result["newest"] else ""
        warn = "  " + tr("({count} warning(s))", count=len(e["warnings"])) if e["warnings"] else ""
        lines.append(f"{rank:>2}. {e['system']:<36} {e['method']:<7} {e['value']:6.2f} "
                     f"[{e['ci'][0]:6.2f}-{e['ci'][1]:6.2f}]  n={e['examples']}{newest}{warn}")
    lines += ["", result["comparison"]["text"]]
    if len(result["versions"]) > 1:
        lines.append(tr("other evaluated versions: {versions}", versions=", ".join(
            str(v) for v in result["versions"] if v != result["dataset_version"])))
    return "\n".join(lines)
