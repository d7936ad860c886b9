"""Run the program's imports (or its self-test) from source as if the modules the
build leaves out were not installed: a quick way to learn that an exclusion breaks
something, minutes before a full build would.

    python packaging/exclusion_check.py            # import what the program uses at run time
    python packaging/exclusion_check.py --selftest # and run the offline self-test

Every import finder is wrapped so that excluded modules are simply not found,
exactly as in the frozen build (``importlib.util.find_spec`` returns None).
"""
from __future__ import annotations

import argparse
import importlib
import importlib.abc
import sys
from pathlib import Path

PACKAGING = Path(__file__).resolve().parent
sys.path.insert(0, str(PACKAGING))

import bundle_rules as rules  # noqa: E402

# What the engine and the window import at run time (top-level and lazily).
RUNTIME_IMPORTS = (
    "engine", "engine.api", "engine.cli", "torch", "torch.utils.checkpoint", "torch.utils.data",
    "transformers", "diffusers", "peft", "safetensors.torch", "tokenizers", "sacrebleu", "openpyxl",
    "charset_normalizer", "psutil", "PIL.Image", "numpy", "platformdirs",
    "PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "PySide6.QtSvg", "pyqtgraph",
)
RUNTIME_ATTRIBUTES = (
    ("transformers", "AutoModelForCausalLM"), ("transformers", "AutoTokenizer"), ("transformers", "Trainer"),
    ("transformers", "CLIPTextModel"), ("transformers", "CLIPTokenizer"),
    ("diffusers", "StableDiffusionPipeline"), ("diffusers", "StableDiffusionXLPipeline"),
    ("diffusers", "UNet2DConditionModel"), ("diffusers", "AutoencoderKL"), ("diffusers", "DDPMScheduler"),
    ("peft", "LoraConfig"), ("peft", "get_peft_model"), ("peft", "PeftModel"),
)


class _HideExcluded(importlib.abc.MetaPathFinder):
    """Wraps one finder; excluded module names are not found through it."""

    def __init__(self, inner, excluded: list[str]):
        self.inner = inner
        self.excluded = excluded

    def _hidden(self, name: str) -> bool:
        return any(name == mod or name.startswith(mod + ".") for mod in self.excluded)

    def find_spec(self, name, path, target=None):
        if self._hidden(name) or not hasattr(self.inner, "find_spec"):
            return None
        return self.inner.find_spec(name, path, target)

    def find_distributions(self, *args, **kwargs):
        return getattr(self.inner, "find_distributions", lambda *a, **k: [])(*args, **kwargs)

    def invalidate_caches(self):
        getattr(self.inner, "invalidate_caches", lambda: None)()


def hide_excluded(variant: str = "cpu") -> list[str]:
    """From now on, this process cannot import what the ``variant`` build leaves out."""
    excluded = rules.excluded_modules(variant)
    loaded = [name for name in sys.modules if any(name == m or name.startswith(m + ".") for m in excluded)]
    if loaded:
        raise RuntimeError(f"already imported before hiding: {loaded[:5]}")
    sys.meta_path[:] = [_HideExcluded(finder, excluded) for finder in sys.meta_path]
    return excluded


def check_imports() -> list[str]:
    """Import everything in RUNTIME_IMPORTS / RUNTIME_ATTRIBUTES and detect the device.

    Stops at the first failure (a half-imported torch cannot be imported again
    safely) and returns it, or an empty list."""
    steps = [(f"import {name}", lambda name=name: importlib.import_module(name)) for name in RUNTIME_IMPORTS]
    steps += [(f"{module}.{attribute}", lambda m=module, a=attribute: getattr(importlib.import_module(m), a))
              for module, attribute in RUNTIME_ATTRIBUTES]
    steps.append(("engine.devices.detect()", lambda: importlib.import_module("engine.devices").detect()))
    for label, step in steps:
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - the failure is the report
            return [f"{label}: {type(exc).__name__}: {exc}"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variant", choices=rules.VARIANTS, default="cpu")
    parser.add_argument("--selftest", action="store_true", help="also run the offline self-test")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(rules.ROOT))
    hide_excluded(args.variant)
    failures = check_imports()
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    if args.selftest and not failures:
        from engine.selftest import run_selftest
        report = run_selftest(progress=lambda text: print(text, file=sys.stderr))
        failures += [f"selftest {c['name']}: {c['error']}" for c in report["checks"] if not c["ok"]]
    print("exclusions: ok" if not failures else f"exclusions: {len(failures)} failures")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
