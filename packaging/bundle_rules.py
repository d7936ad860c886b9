"""What goes into the one-folder build and what stays out.

The spec file calls these functions; the packaging tests call them too, so the
rules are checked without running a full build. Everything here works on plain
paths and module names: PyInstaller helpers are imported inside the functions
that need them.
"""
from __future__ import annotations

import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
APP_NAME = "aigc-workbench"
CLI_NAME = "aigc"
VARIANTS = ("cpu", "cuda")

# Our own packages: imported by name strings (AREA_MODULES, COMMAND_MODULES), so the
# import scan cannot see them; every submodule and data file goes in.
OWN_PACKAGES = ("engine", "desktop")

# Libraries that look themselves or each other up by distribution metadata at run
# time (importlib.metadata.version / is_available checks).
METADATA_DISTRIBUTIONS = (
    "aigc-workbench", "torch", "transformers", "diffusers", "peft", "safetensors", "tokenizers",
    "huggingface-hub", "accelerate", "numpy", "pillow", "platformdirs", "PySide6-Essentials", "shiboken6",
    "pyqtgraph", "openpyxl", "charset-normalizer", "psutil", "sacrebleu", "regex", "tqdm", "filelock",
    "packaging", "pyyaml", "requests", "jinja2", "fsspec", "sympy", "networkx", "typing-extensions",
    "importlib-metadata", "httpx2", "httpcore2", "httpx", "httpcore", "portalocker", "tabulate", "colorama", "lxml",
    "openvino",
)

# Packages that import parts of themselves lazily, by name, where the import scan
# cannot follow: collect all their submodules (filtered below).
LAZY_PACKAGES = ("transformers", "diffusers", "peft", "sacrebleu", "tokenizers", "safetensors",
                 "huggingface_hub", "accelerate", "llama_cpp", "gguf")

# Packages whose non-Python files (vocabularies, JSON tables, CSS, templates) are read at run time.
DATA_PACKAGES = ("transformers", "diffusers", "peft", "tokenizers", "sacrebleu", "huggingface_hub")

# Modules that are never needed at run time: tests, benchmarks, build tools, notebooks,
# dashboards, other Qt bindings. Excluding a package excludes its submodules.
EXCLUDED_MODULES = [
    "tests", "bench", "packaging_tests",
    "pytest", "_pytest", "pytestqt", "pytest_timeout", "pluggy", "iniconfig",
    "PyInstaller", "pyinstaller_hooks_contrib", "_pyinstaller_hooks_contrib", "pip",
    "tkinter", "_tkinter", "turtle", "idlelib", "lib2to3", "pydoc_data",
    "IPython", "ipykernel", "ipywidgets", "jupyter", "notebook", "matplotlib", "pandas",
    "tensorboard", "tensorboardX", "torch.utils.tensorboard", "tensorflow", "keras", "jax", "flax", "wandb",
    "torch.utils.bottleneck", "caffe2", "onnx", "onnxruntime", "torchvision",
    "transformers.commands", "transformers.cli", "diffusers.commands", "huggingface_hub.cli",
    "huggingface_hub.commands", "sacrebleu.tokenizers.tokenizer_ja_mecab",
    "sacrebleu.tokenizers.tokenizer_ko_mecab", "pyqtgraph.examples", "pyqtgraph.opengl",
    "PyQt5", "PyQt6", "PySide2", "sip",
    # the Hub's transfer client: the program never downloads
    "hf_xet",
]

# Submodule names left out of LAZY_PACKAGES collection: test suites, command-line
# tools, integrations with services or libraries we never ship.
LAZY_SKIP_PARTS = ("tests", "testing_utils", "commands", "cli", "benchmarks", "examples")
LAZY_SKIP_PREFIXES = (
    "diffusers.pipelines.deprecated", "diffusers.utils.testing_utils", "diffusers.experimental",
    "peft.tuners.lora.bnb", "peft.tuners.lora.gptq", "peft.tuners.lora.aqlm", "peft.tuners.lora.awq",
    "peft.tuners.lora.eetq", "peft.tuners.lora.hqq", "peft.tuners.lora.torchao", "peft.tuners.lora.tp_layer",
    "huggingface_hub.inference", "huggingface_hub.serialization._tensorflow",
)

# Files (by their path inside the build) that are left out after analysis.
EXCLUDED_FILES = [
    "torch/include/*", "torch/share/cmake/*", "*.cmake", "*.pyi", "*.h", "*.hpp", "*.cuh", "*.cpp", "*.lib",
    "torch/lib/libjitbackend_test.*", "torch/lib/libtorchbind_test.*", "torch/lib/libbackend_with_compiler.*",
    "torch/lib/libaoti_custom_ops.*", "torch/test/*", "torch/bin/*Test", "torch/bin/test_*", "torch/bin/protoc*", "torch/bin/*.pt",
    "torch/bin/*.ptl", "torch/bin/upgrader_models/*", "*/tests/*", "tests/*", "bench/*",
    "PySide6/Qt/plugins/qmltooling/*", "PySide6/Qt/plugins/designer/*", "PySide6/Qt/plugins/sqldrivers/*",
    "PySide6/Qt/plugins/networkinformation/*", "PySide6/Qt/plugins/tls/*",
    "PySide6/Qt/plugins/wayland-graphics-integration-server/*",
    # the GTK theme plugin would drag GTK, cairo and pango along; Qt's own dialogs are used instead
    "PySide6/Qt/plugins/platformthemes/libqgtk3.*", "libgtk-3.so*", "libgdk-3.so*", "libatk-1.0.so*",
    "libatk-bridge-2.0.so*", "libatspi.so*", "libcairo.so*", "libcairo-gobject.so*", "libpango-1.0.so*",
    "libpangocairo-1.0.so*", "libpangoft2-1.0.so*", "libgdk_pixbuf-2.0.so*", "libepoxy.so*",
]

# GPU libraries that a CPU build never loads.
CUDA_FILES = [
    "nvidia/*", "triton/*", "*libcudnn*", "*libcublas*", "*libcufft*", "*libcurand*", "*libcusolver*",
    "*libcusparse*", "*libnccl*", "*libnvrtc*", "*libnvjitlink*", "*libnvToolsExt*", "*libcupti*",
    "*libcudart*", "*libtorch_cuda*", "*libc10_cuda*", "*cudnn*.dll", "*cublas*.dll", "*cufft*.dll",
    "*curand*.dll", "*cusolver*.dll", "*cusparse*.dll", "*nvrtc*.dll", "*torch_cuda*.dll", "*c10_cuda*.dll",
    "*caffe2_nvrtc*", "bitsandbytes/*",
]

# Qt's own translations: the product speaks English and Simplified Chinese.
QT_TRANSLATIONS_DIR = "PySide6/Qt/translations/"
QT_TRANSLATIONS_KEPT = ("_zh_CN.qm", "_zh_TW.qm", "_en.qm")


def _norm(path: str) -> str:
    return path.replace("\\", "/")


def resource_datas(resources: Path = RESOURCES) -> list[tuple[str, str]]:
    """Every file under resources/ as (source file, destination folder) pairs, hidden ones left out."""
    datas = []
    if not resources.is_dir():
        return datas
    for path in sorted(resources.rglob("*")):
        relative = path.relative_to(resources)
        hidden = any(part.startswith(".") or part == "__pycache__" for part in relative.parts)
        if not path.is_file() or hidden or path.name == "Thumbs.db":
            continue  # hidden: editor files, .DS_Store, folders still being written (".name.building")
        dest = Path("resources") / path.parent.relative_to(resources)
        datas.append((str(path), _norm(str(dest))))
    return datas


def is_excluded_file(dest: str, variant: str) -> bool:
    """True if a file at ``dest`` (its path inside the build) stays out of the build."""
    dest = _norm(dest)
    patterns = EXCLUDED_FILES + (CUDA_FILES if variant == "cpu" else [])
    if any(fnmatch.fnmatch(dest, pattern) for pattern in patterns):
        return True
    if dest.startswith(QT_TRANSLATIONS_DIR):
        return not dest.endswith(QT_TRANSLATIONS_KEPT)
    return False


def filter_toc(toc, variant: str):
    """Drop excluded entries from a PyInstaller TOC (list of (dest, source, typecode))."""
    return [entry for entry in toc if not is_excluded_file(entry[0], variant)]


def keep_lazy_module(name: str) -> bool:
    parts = name.split(".")
    if any(part in LAZY_SKIP_PARTS for part in parts[1:]):
        return False
    if any(name == prefix or name.startswith(prefix + ".") for prefix in LAZY_SKIP_PREFIXES):
        return False
    return not any(name == mod or name.startswith(mod + ".") for mod in EXCLUDED_MODULES)


def hidden_imports() -> list[str]:
    """Our own modules plus the lazily imported parts of the model libraries."""
    from PyInstaller.utils.hooks import collect_submodules
    names: list[str] = []
    for package in OWN_PACKAGES:
        names += collect_submodules(package, filter=lambda n: ".tests" not in n)
    for package in LAZY_PACKAGES:
        names += collect_submodules(package, filter=keep_lazy_module)
    return sorted(set(names))


def binaries() -> list[tuple[str, str]]:
    """Native libraries loaded by path at run time: llama.cpp's and OpenVINO's (its device plugins),
    beside their Python packages."""
    from PyInstaller.utils.hooks import collect_dynamic_libs
    found: list[tuple[str, str]] = []
    for package in ("llama_cpp", "openvino"):
        try:
            found += collect_dynamic_libs(package)
        except Exception:  # noqa: BLE001 - an optional backend absent from this build environment
            pass
    return found


def data_files() -> list[tuple[str, str]]:
    """resources/, data files of our packages and of the libraries, package metadata."""
    from PyInstaller.utils.hooks import collect_data_files, copy_metadata
    datas = resource_datas()
    # The lock files, so the packaged build's status and About box can say what it was built from.
    datas += [(str(lock), "resources/requirements") for lock in sorted((ROOT / "requirements").glob("*.lock"))]
    for package in OWN_PACKAGES:
        datas += collect_data_files(package, excludes=["**/__pycache__/**"])
    for package in DATA_PACKAGES:
        datas += collect_data_files(package, excludes=["**/tests/**", "**/*.pyi", "**/__pycache__/**"])
    for dist in METADATA_DISTRIBUTIONS:
        try:
            datas += copy_metadata(dist)
        except Exception:  # noqa: BLE001 - an optional library absent from this build environment
            pass
    return datas


def excluded_modules(variant: str) -> list[str]:
    extra = [] if variant == "cuda" else ["triton", "nvidia", "bitsandbytes"]
    return EXCLUDED_MODULES + extra


def project_version() -> str:
    import tomllib
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


def link_cli(folder: Path) -> Path:
    """``aigc`` beside ``aigc-workbench`` as a relative symlink: one executable, two names."""
    link = Path(folder) / CLI_NAME
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(APP_NAME)
    return link


# Files whose debug sections are dropped in a Linux build: the Python runtime built on this
# machine (pyenv builds keep -g). Libraries from wheels are left alone: auditwheel's
# patchelf rewrites them so that strip produces files the loader rejects.
STRIP_PATTERNS = ("_internal/libpython3*.so*", "_internal/python3*/lib-dynload/*.so")


def strip_debug_info(folder: Path) -> int:
    """``strip --strip-debug`` (symbols stay) on the STRIP_PATTERNS files of a Linux build;
    returns the bytes saved."""
    import shutil
    import subprocess
    if shutil.which("strip") is None:
        return 0
    folder = Path(folder)
    saved = 0
    for path in sorted({p for pattern in STRIP_PATTERNS for p in folder.glob(pattern)}):
        if path.is_symlink() or not path.is_file():
            continue
        with open(path, "rb") as handle:
            if handle.read(4) != b"\x7fELF":
                continue
        before = path.stat().st_size
        if subprocess.run(["strip", "--strip-debug", str(path)], capture_output=True).returncode == 0:
            saved += before - path.stat().st_size
    return saved
