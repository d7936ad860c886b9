"""Build the one-folder program, report its size, and run its offline self-test.

    python packaging/build.py --variant cpu            # dist/aigc-workbench/
    python packaging/build.py --variant cpu --tarball  # and the Linux tarball beside it
    python packaging/build.py --skip-build --gui-check # open the built window under Xvfb, screenshot

Steps: check the build environment matches the variant (a CPU build needs a
CPU-only torch, a CUDA build a CUDA torch), run PyInstaller on
packaging/aigc-workbench.spec, print the total size and the ten largest
components, then run ``aigc-workbench --selftest`` from the build in a fresh
home folder with the network guard on. A JSON report is written to
dist/aigc-workbench-build.json. Exit code 0 only if every step succeeded.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
ROOT = PACKAGING.parent
sys.path.insert(0, str(PACKAGING))

import bundle_rules as rules  # noqa: E402
from size_report import format_report, measure  # noqa: E402


class BuildError(Exception):
    """A one-line reason the build cannot go on, with what to do."""


def torch_build_info(python: str) -> dict:
    code = "import json, torch; print(json.dumps({'version': torch.__version__, 'cuda': torch.version.cuda}))"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        raise BuildError(f"torch cannot be imported by {python}: install the project first (pip install -e '.[build]')")
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_environment(variant: str, python: str) -> dict:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise BuildError("PyInstaller is not installed: pip install -e '.[build]'") from None
    info = torch_build_info(python)
    if variant == "cpu" and info["cuda"]:
        raise BuildError(
            f"the CPU build needs a CPU-only torch, this environment has torch {info['version']} "
            f"(CUDA {info['cuda']}): pip install torch --index-url https://download.pytorch.org/whl/cpu")
    if variant == "cuda" and not info["cuda"]:
        raise BuildError(
            f"the CUDA build needs a CUDA torch, this environment has torch {info['version']} (CPU only): "
            "pip install torch --index-url https://download.pytorch.org/whl/cu128, in a separate build environment")
    info["lock"] = check_lock(variant, python)
    return info


LOCK_VARIANTS = {"cpu": "linux-cpu", "cuda": "linux-cuda"}


def check_lock(variant: str, python: str) -> dict:
    """Every package pinned in the lock must be installed at exactly its pinned version."""
    lock_variant = LOCK_VARIANTS[variant] if sys.platform.startswith("linux") else (
        "windows" if sys.platform == "win32" else "macos")
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); from engine import lockfile; "
            "print(json.dumps(lockfile.lock_status(sys.argv[2]).to_dict()))")
    out = subprocess.run([python, "-c", code, str(ROOT), lock_variant], capture_output=True, text=True)
    if out.returncode != 0:
        raise BuildError(f"could not compare the environment with the lock: {out.stderr.strip().splitlines()[-1:]}")
    status = json.loads(out.stdout.strip().splitlines()[-1])
    if status["matches"] is None:
        raise BuildError(f"requirements/{lock_variant}.lock does not exist: run scripts/update-lock.sh")
    if not status["matches"]:
        wrong = ", ".join(f"{name} {v['installed'] or 'missing'} (lock {v['locked']})"
                          for name, v in list(status["mismatched"].items())[:5])
        raise BuildError(f"this environment does not match requirements/{lock_variant}.lock: {wrong}; "
                         f"install it with: pip install --require-hashes -r requirements/{lock_variant}.lock")
    return status


def starter_folders() -> dict[str, Path]:
    """Where the starter models' weights live in resources/ (the text and image areas say where)."""
    sys.path.insert(0, str(ROOT))
    from engine.samples import resources_dir
    from engine.text.starter import RESOURCE_PATH
    from engine.image.starter import pipeline_dir
    return {"text": resources_dir() / RESOURCE_PATH, "image": pipeline_dir()}


def check_starters(build_missing: bool) -> dict:
    """The build ships the starter models: their weights must be in resources/ first."""
    found = {}
    for kind, folder in starter_folders().items():
        has_weights = folder.is_dir() and any(folder.rglob("*.safetensors"))
        if not has_weights and build_missing:
            print(f"build: training the starter {kind} model (aigc models starter --rebuild --kind {kind}) ...",
                  file=sys.stderr, flush=True)
            import tempfile
            with tempfile.TemporaryDirectory(prefix="aigc-starter-") as workspace:
                code = subprocess.run([sys.executable, "-m", "engine", "--workspace", workspace, "models", "starter",
                                       "--rebuild", "--kind", kind], cwd=ROOT).returncode
            if code != 0:
                raise BuildError(f"training the starter {kind} model failed (exit {code})")
            has_weights = any(folder.rglob("*.safetensors"))
        if not has_weights:
            raise BuildError(f"the starter {kind} model is missing from {folder}: run "
                             f"'aigc models starter --rebuild --kind {kind}' or pass --build-starters")
        found[kind] = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return found


def check_exclusions(variant: str) -> None:
    """Fail in seconds, not after a full build, if a left-out module is needed at run time."""
    out = subprocess.run([sys.executable, str(PACKAGING / "exclusion_check.py"), "--variant", variant],
                         capture_output=True, text=True, cwd=ROOT, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if out.returncode != 0:
        reason = next((line for line in out.stderr.splitlines() if line.startswith("error:")), out.stderr[-500:])
        raise BuildError(f"a module the build leaves out is needed ({reason.removeprefix('error: ')}): "
                         "fix EXCLUDED_MODULES in packaging/bundle_rules.py")


def run_frozen_status(app_dir: Path, home: Path) -> dict:
    """``aigc --json status`` from the build: imports torch and detects the device."""
    command = [str(executable(Path(app_dir).resolve(), rules.CLI_NAME)), "--workspace", str(home / "workspace"), "--json", "status"]
    out = subprocess.run(command, capture_output=True, text=True, env=clean_env(home), timeout=600, cwd=home)
    try:
        status = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        return {"ok": False, "error": out.stderr.strip()[-1500:]}
    return {"ok": out.returncode == 0 and bool(status.get("device", {}).get("kind")),
            "device": status.get("device", {}).get("label") or status.get("device", {}).get("kind"),
            "offline": status.get("offline"), "libraries": status.get("libraries")}


def run_pyinstaller(variant: str, dist: Path, work: Path, log_path: Path) -> float:
    command = [sys.executable, "-m", "PyInstaller", str(PACKAGING / "aigc-workbench.spec"), "--noconfirm",
               "--clean", "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work / variant),
               "--", "--variant", variant]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    print(f"build: {' '.join(command)}", file=sys.stderr, flush=True)
    with open(log_path, "w", encoding="utf-8") as log:
        code = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT).returncode
    seconds = time.monotonic() - started
    if code != 0:
        tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        print("\n".join(tail), file=sys.stderr)
        raise BuildError(f"PyInstaller failed (exit {code}): see {log_path}")
    return seconds


def executable(folder: Path, name: str) -> Path:
    return folder / (name + ".exe" if sys.platform == "win32" else name)


def clean_env(home: Path) -> dict:
    """Environment for the frozen self-test: empty home, guard on, no GUI needed."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTHON", "AIGC_", "HF_", "TRANSFORMERS_", "VIRTUAL_ENV"))}
    env.update({"HOME": str(home), "USERPROFILE": str(home), "XDG_DATA_HOME": str(home / ".local/share"),
                "XDG_CACHE_HOME": str(home / ".cache"), "XDG_CONFIG_HOME": str(home / ".config"),
                "TMPDIR": str(home / "tmp"), "QT_QPA_PLATFORM": "offscreen"})
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    return env


def written_files(home: Path) -> list[str]:
    """Files the program left in its home folder (the self-test should leave none)."""
    return sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file() and p.parts[len(home.parts)] != "tmp")


def run_frozen_selftest(app_dir: Path, home: Path, timeout: float = 1800) -> dict:
    """``aigc-workbench --selftest --json`` from the build; returns its report plus timing."""
    env = clean_env(home)
    command = [str(executable(Path(app_dir).resolve(), rules.APP_NAME)), "--selftest", "--json"]
    if shutil.which("unshare") and _can_unshare_network():
        command = ["unshare", "--map-root-user", "--net", *command]  # no network interface at all
    started = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout, cwd=home)
    seconds = time.monotonic() - started
    try:
        report = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        report = {"ok": False, "checks": []}
    report.update(exit_code=out.returncode, seconds=round(seconds, 1), command=command,
                  stderr_tail=out.stderr[-3000:], home_writes=written_files(home))
    report["ok"] = bool(report.get("ok")) and out.returncode == 0
    return report


def _can_unshare_network() -> bool:
    try:
        return subprocess.run(["unshare", "--map-root-user", "--net", "true"], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", choices=rules.VARIANTS, default="cpu")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="output folder (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller work folder (default: build/)")
    parser.add_argument("--skip-build", action="store_true", help="reuse the existing build: report and self-test only")
    parser.add_argument("--build-starters", action="store_true",
                        help="train the starter models first if their weights are not in resources/")
    parser.add_argument("--skip-selftest", action="store_true", help="do not run the frozen self-test")
    parser.add_argument("--tarball", action="store_true", help="also pack the Linux tarball with its SHA-256 file")
    parser.add_argument("--gui-check", action="store_true",
                        help="also open the window under Xvfb and save dist/aigc-workbench-VARIANT-gui.png (Linux)")
    args = parser.parse_args(argv)

    args.dist, args.work = args.dist.resolve(), args.work.resolve()
    app_dir = args.dist / rules.APP_NAME
    report: dict = {"variant": args.variant, "platform": platform.platform(), "python": platform.python_version()}
    try:
        report["torch"] = check_environment(args.variant, sys.executable)
        if not args.skip_build:
            report["starter_bytes"] = check_starters(args.build_starters)
            check_exclusions(args.variant)
            report["build_seconds"] = round(run_pyinstaller(args.variant, args.dist, args.work,
                                                            args.work / f"pyinstaller-{args.variant}.log"), 1)
            print(f"build: done in {report['build_seconds'] / 60:.1f} min", file=sys.stderr)
        if not executable(app_dir, rules.APP_NAME).is_file():
            raise BuildError(f"{app_dir} has no {rules.APP_NAME} executable: run without --skip-build")
        sizes = measure(app_dir)
        report["size"] = sizes
        print(format_report(sizes, app_dir))
        if not args.skip_selftest:
            run_frozen_checks(app_dir, report)
        if args.gui_check:
            from linux.gui_check import check_gui
            report["gui"] = gui = check_gui(app_dir, args.dist / f"{rules.APP_NAME}-{args.variant}-gui.png")
            if gui["ok"]:
                print(f"gui: window shown after {gui['seconds_to_window']}s, screenshot {gui['screenshot']}")
            else:
                print(f"gui: FAILED (window after {gui['seconds_to_window']}s)\n{gui['log_tail']}", file=sys.stderr)
        if args.tarball and checks_passed(report):
            from linux.make_tarball import make_tarball
            tarball, digest = make_tarball(app_dir, args.dist, args.variant)
            report["tarball"] = {"path": str(tarball), "sha256": digest, "bytes": tarball.stat().st_size}
            print(f"tarball: {tarball} ({tarball.stat().st_size / 2**20:.0f} MiB) sha256 {digest}")
        elif args.tarball:
            print("tarball: not packed, a check above failed", file=sys.stderr)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        report["error"] = str(exc)
        _write_report(args.dist, args.variant, report)
        return 2
    _write_report(args.dist, args.variant, report)
    return 0 if checks_passed(report) else 1


def checks_passed(report: dict) -> bool:
    selftest = report.get("selftest", {"ok": True})
    return (selftest["ok"] and not selftest.get("home_writes") and report.get("status", {"ok": True})["ok"]
            and report.get("gui", {"ok": True})["ok"])


def run_frozen_checks(app_dir: Path, report: dict) -> None:
    """``aigc status`` and the self-test from the build, each in its own empty home folder."""
    import tempfile
    with tempfile.TemporaryDirectory(prefix="aigc-frozen-home-") as home:
        report["status"] = status = run_frozen_status(app_dir, Path(home))
    print(f"status: {'ok' if status['ok'] else 'FAILED'} device {status.get('device')} "
          f"offline guard {status.get('offline')}" + ("" if status["ok"] else f"\n{status.get('error')}"))
    with tempfile.TemporaryDirectory(prefix="aigc-frozen-home-") as home:
        print("selftest: running the frozen self-test (network guard on) ...", file=sys.stderr, flush=True)
        report["selftest"] = selftest = run_frozen_selftest(app_dir, Path(home))
    for check in selftest.get("checks", []):
        print(f"selftest: {'ok  ' if check.get('ok') else 'FAIL'} {check.get('name')} ({check.get('seconds')}s)"
              + ("" if check.get("ok") else f" {check.get('error')}"))
    isolation = "no network interface" if selftest["command"][0] == "unshare" else "network guard"
    print(f"selftest: {'passed' if selftest['ok'] else 'FAILED'} in {selftest['seconds']}s "
          f"(exit {selftest['exit_code']}, {isolation})")
    if not selftest["ok"]:
        print(selftest["stderr_tail"], file=sys.stderr)
    if selftest["home_writes"]:
        print(f"selftest: wrote outside its workspace: {selftest['home_writes'][:10]}", file=sys.stderr)


def _write_report(dist: Path, variant: str, report: dict) -> None:
    dist.mkdir(parents=True, exist_ok=True)
    path = dist / f"{rules.APP_NAME}-{variant}-build.json"
    path.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(f"report: {path}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
