"""The build's collection rules, checked without running a build: resources/ goes
in whole, tests and benchmarks stay out, CUDA libraries stay out of the CPU build,
and the spec uses these rules."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import bundle_rules as rules  # noqa: E402
from size_report import component_of, format_report, measure  # noqa: E402


def test_every_resource_file_is_collected(tmp_path):
    (tmp_path / "samples" / "datasets").mkdir(parents=True)
    (tmp_path / "samples" / "datasets" / "ads.jsonl").write_text("{}\n")
    (tmp_path / "translations").mkdir()
    (tmp_path / "translations" / "zh_CN.qm").write_bytes(b"qm")
    (tmp_path / "icon.png").write_bytes(b"png")
    (tmp_path / "samples" / "__pycache__").mkdir()
    (tmp_path / "samples" / "__pycache__" / "x.pyc").write_bytes(b"")
    (tmp_path / "starter" / ".pipeline.building").mkdir(parents=True)
    (tmp_path / "starter" / ".pipeline.building" / "half.safetensors").write_bytes(b"")
    (tmp_path / ".DS_Store").write_bytes(b"")
    datas = rules.resource_datas(tmp_path)
    assert sorted(datas) == sorted([
        (str(tmp_path / "icon.png"), "resources"),
        (str(tmp_path / "samples" / "datasets" / "ads.jsonl"), "resources/samples/datasets"),
        (str(tmp_path / "translations" / "zh_CN.qm"), "resources/translations"),
    ])


def test_the_real_resources_folder_is_collected_whole():
    datas = rules.resource_datas()
    files = {p for p in (ROOT / "resources").rglob("*") if p.is_file() and "__pycache__" not in p.parts
             and not any(part.startswith(".") for part in p.relative_to(ROOT / "resources").parts)}
    tracked = subprocess.run(["git", "ls-files", "resources"], capture_output=True, text=True, cwd=ROOT).stdout.split()
    assert {ROOT / name for name in tracked} <= files  # everything in the repository goes in
    assert {Path(src) for src, _ in datas} == files
    for src, dest in datas:
        assert Path(dest) == Path("resources") / Path(src).parent.relative_to(ROOT / "resources")
        assert not rules.is_excluded_file(f"{dest}/{Path(src).name}", "cpu")


@pytest.mark.parametrize("dest", [
    "tests/test_jobs.py", "bench/text_speed.py", "torch/include/ATen/core/Tensor.h",
    "torch/lib/libtorchbind_test.so", "torch/bin/test_api", "torch/share/cmake/Torch/TorchConfig.cmake",
    "networkx/algorithms/tests/test_core.py", "PySide6/Qt/translations/qtbase_de.qm",
    "PySide6/Qt/plugins/qmltooling/libqmldbg_debugger.so",
])
def test_tests_benchmarks_and_build_leftovers_are_excluded(dest):
    assert rules.is_excluded_file(dest, "cpu")
    assert rules.is_excluded_file(dest, "cuda")


@pytest.mark.parametrize("dest", [
    "nvidia/cudnn/lib/libcudnn.so.9", "torch/lib/libtorch_cuda.so", "torch/lib/libc10_cuda.so",
    "libcublas.so.12", "triton/backends/nvidia/bin/ptxas",
])
def test_cuda_libraries_stay_out_of_the_cpu_build_only(dest):
    assert rules.is_excluded_file(dest, "cpu")
    assert not rules.is_excluded_file(dest, "cuda")


@pytest.mark.parametrize("dest", [
    "torch/lib/libtorch_cpu.so", "torch/lib/libgomp.so.1", "torch/bin/torch_shm_manager",
    "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    "PySide6/Qt/translations/qtbase_zh_CN.qm", "PySide6/Qt/translations/qt_zh_CN.qm",
    "resources/samples/datasets/ads.jsonl", "engine/workspace/migrations/001_core.sql",
    "tokenizers/tools/visualizer-styles.css", "transformers/models/gpt2/modeling_gpt2.py",
])
def test_what_the_program_needs_is_kept(dest):
    assert not rules.is_excluded_file(dest, "cpu")


def test_filter_toc_drops_only_excluded_entries():
    toc = [("torch/lib/libtorch_cpu.so", "/x/libtorch_cpu.so", "BINARY"),
           ("torch/lib/libtorch_cuda.so", "/x/libtorch_cuda.so", "BINARY"),
           ("tests/conftest.py", "/x/conftest.py", "DATA")]
    assert [e[0] for e in rules.filter_toc(toc, "cpu")] == ["torch/lib/libtorch_cpu.so"]
    assert [e[0] for e in rules.filter_toc(toc, "cuda")] == ["torch/lib/libtorch_cpu.so", "torch/lib/libtorch_cuda.so"]


def test_module_exclusions_cover_tests_bench_and_build_tools():
    excluded = rules.excluded_modules("cpu")
    for name in ("tests", "bench", "pytest", "PyInstaller", "tensorboard", "torch.utils.tensorboard", "nvidia"):
        assert name in excluded
    assert "nvidia" not in rules.excluded_modules("cuda")
    for name in ("torch", "transformers", "diffusers", "peft", "engine", "desktop", "PySide6"):
        assert not any(name == mod or name.startswith(mod + ".") for mod in excluded)


def test_lazy_module_filter():
    assert rules.keep_lazy_module("transformers.models.llama.modeling_llama")
    assert rules.keep_lazy_module("diffusers.pipelines.stable_diffusion.pipeline_stable_diffusion")
    assert rules.keep_lazy_module("peft.tuners.lora.model")
    assert not rules.keep_lazy_module("transformers.commands.serving")
    assert not rules.keep_lazy_module("diffusers.utils.testing_utils")
    assert not rules.keep_lazy_module("peft.tuners.lora.bnb")
    assert not rules.keep_lazy_module("sacrebleu.tokenizers.tokenizer_ja_mecab")


def test_spec_uses_the_rules_and_builds_both_executables():
    spec = (PACKAGING / "aigc-workbench.spec").read_text(encoding="utf-8")
    for call in ("rules.data_files()", "rules.hidden_imports()", "rules.excluded_modules(variant)",
                 "rules.filter_toc(a.binaries, variant)", "rules.filter_toc(a.datas, variant)",
                 "name=rules.APP_NAME", "name=rules.CLI_NAME", "rules.link_cli(", "rules.strip_debug_info(", "entry.py", "rthook_offline.py"):
        assert call in spec, call
    compile(spec, "aigc-workbench.spec", "exec")


def test_own_packages_are_collected_with_their_data():
    assert "engine" in rules.OWN_PACKAGES and "desktop" in rules.OWN_PACKAGES
    from PyInstaller.utils.hooks import collect_data_files, collect_submodules
    modules = collect_submodules("engine")
    assert "engine.cli.core" in modules and "engine.selftest" in modules
    datas = collect_data_files("engine")
    assert any(src.endswith("001_core.sql") for src, _ in datas)


def test_size_report_groups_components(tmp_path):
    (tmp_path / "_internal" / "torch" / "lib").mkdir(parents=True)
    (tmp_path / "_internal" / "torch" / "lib" / "libtorch_cpu.so").write_bytes(b"x" * 3000)
    (tmp_path / "_internal" / "torch" / "nn.py").write_bytes(b"x" * 100)
    (tmp_path / "_internal" / "libpython3.11.so").write_bytes(b"x" * 500)
    (tmp_path / "aigc").write_bytes(b"x" * 10)
    sizes = measure(tmp_path)
    assert sizes["total_bytes"] == 3610 and sizes["files"] == 4
    assert [c["name"] for c in sizes["components"]] == ["torch/lib", "libpython3.11.so", "torch", "aigc"]
    assert component_of(Path("_internal/PySide6/Qt/lib/libQt6Core.so.6")) == "PySide6/Qt/lib"
    text = format_report(sizes, tmp_path, top=2)
    assert "torch/lib" in text and "aigc\n" not in text and len(text.splitlines()) == 3


def test_cli_link_points_at_the_one_executable(tmp_path):
    (tmp_path / rules.APP_NAME).write_bytes(b"exe")
    link = rules.link_cli(tmp_path)
    assert link.is_symlink() and link.readlink() == Path(rules.APP_NAME)
    assert link.read_bytes() == b"exe"
    assert rules.link_cli(tmp_path) == link  # rebuilding replaces it


def test_tarball_keeps_the_link_and_every_file(tmp_path):
    from linux.make_tarball import make_tarball, sha256_of
    app = tmp_path / "dist" / "aigc-workbench"
    (app / "_internal" / "resources").mkdir(parents=True)
    (app / "_internal" / "resources" / "a.txt").write_text("a")
    exe = app / rules.APP_NAME
    exe.write_bytes(b"#!/bin/sh\n")
    exe.chmod(0o755)
    rules.link_cli(app)
    tarball, digest = make_tarball(app, tmp_path / "out", "cpu")
    assert tarball.name.endswith("-cpu.tar.gz") and sha256_of(tarball) == digest
    assert (tmp_path / "out" / (tarball.name + ".sha256")).read_text() == f"{digest}  {tarball.name}\n"
    import tarfile
    with tarfile.open(tarball) as archive:
        members = {m.name: m for m in archive.getmembers()}
    assert members["aigc-workbench/aigc"].issym() and members["aigc-workbench/aigc"].linkname == rules.APP_NAME
    assert members["aigc-workbench/aigc-workbench"].mode & 0o100
    assert "aigc-workbench/_internal/resources/a.txt" in members
    assert not list((tmp_path / "out").glob("*.partial"))


def test_tarball_refuses_a_folder_without_the_program(tmp_path):
    from linux.make_tarball import make_tarball
    (tmp_path / "aigc-workbench").mkdir()
    with pytest.raises(SystemExit, match="build first"):
        make_tarball(tmp_path / "aigc-workbench", tmp_path, "cpu")


def test_build_refuses_a_torch_that_does_not_match_the_variant():
    import build
    info = build.check_environment("cpu", sys.executable)  # this environment has a CPU-only torch
    assert info["cuda"] is None and info["version"]
    with pytest.raises(build.BuildError, match="CUDA build needs a CUDA torch"):
        build.check_environment("cuda", sys.executable)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF files")
def test_strip_debug_info_touches_only_the_python_runtime(tmp_path):
    import ctypes
    import shutil
    import sysconfig
    if shutil.which("strip") is None:
        pytest.skip("needs binutils' strip")
    source = Path(sysconfig.get_config_var("LIBDIR")) / sysconfig.get_config_var("INSTSONAME")
    if not source.is_file():
        pytest.skip("no shared libpython here")
    internal = tmp_path / "_internal"
    (internal / "numpy.libs").mkdir(parents=True)
    runtime = internal / source.name
    shutil.copy2(source, runtime)
    wheel_lib = internal / "numpy.libs" / "libfromwheel.so"
    shutil.copy2(source, wheel_lib)  # stands for a patchelf-rewritten library from a wheel
    saved = rules.strip_debug_info(tmp_path)
    assert saved == source.stat().st_size - runtime.stat().st_size >= 0
    assert wheel_lib.read_bytes() == source.read_bytes()
    ctypes.CDLL(str(runtime))  # still a loadable library
