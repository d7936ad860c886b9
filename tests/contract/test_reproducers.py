"""Every bad input found by probing the CLI: refused in one line that names the culprit, with the
workspace (and the user's files) left exactly as they were."""
from __future__ import annotations

import json
import os
import stat
import zipfile

import pytest
from harness import assert_refused, run_cli, snapshot, tree, unchanged

DEEP = "[" * 100_000 + "]" * 100_000


def make_device(path):
    """A character device of our own (like /dev/null); writing tests never aim at the real one."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("creating a device node needs root")
    return path


def approved_output(ws):
    added = run_cli(ws, "--json", "review", "add", "--modality", "text", "--prompt", "p", "--text", "an ad")
    assert added.code == 0, added.err
    item = json.loads(added.out.strip().splitlines()[-1])["item"]["id"]
    assert run_cli(ws, "review", "approve", str(item)).code == 0


# -- 1. one rule for every writer of a user-named path ----------------------------------------------
EXPORTS = {
    "data export": lambda out: ["data", "export", "ad-copy", str(out), "--format", "jsonl"],
    "review export": lambda out: ["review", "export", str(out)],
    "task export": lambda out: ["task", "export", str(out)],
    "bundle export": lambda out: ["bundle", "export", str(out), "--dataset", "ad-copy"],
}


def _target(kind, files, suffix):
    path = files / f"out{suffix}"
    if kind == "device":
        make_device(path)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        (files / "elsewhere.txt").write_text("keep me")
        path.symlink_to(files / "elsewhere.txt")
    elif kind == "existing":
        path.write_text("keep me")
    elif kind == "folder":
        path.mkdir()
        (path / "inside.txt").write_text("keep me")
    return path


@pytest.mark.parametrize("command", list(EXPORTS))
@pytest.mark.parametrize("kind, named", [("device", "character device"), ("fifo", "FIFO"),
                                         ("symlink", "symbolic link"), ("existing", "already exists"),
                                         ("folder", "folder")])
def test_exporters_refuse_what_they_must_not_overwrite(ws, files, command, kind, named):
    approved_output(ws)
    suffix = ".zip" if command == "bundle export" else ".jsonl"
    out = _target(kind, files, suffix)
    with unchanged(ws, files):
        line = assert_refused(run_cli(ws, *EXPORTS[command](out)), named)
    assert str(out.name) in line
    if kind == "symlink":
        assert os.path.islink(out) and (files / "elsewhere.txt").read_text() == "keep me"


@pytest.mark.parametrize("command", list(EXPORTS))
def test_force_replaces_an_existing_file_through_a_temp_file(ws, files, command):
    approved_output(ws)
    out = _target("existing", files, ".zip" if command == "bundle export" else ".jsonl")
    result = run_cli(ws, *EXPORTS[command](out), "--force")
    assert result.code == 0, result.err
    assert out.is_file() and out.read_text(errors="replace") != "keep me"
    assert sorted(p.name for p in files.iterdir()) == [out.name]  # no temp file left beside it


def test_review_export_unknown_extension_makes_nothing(ws, files):
    approved_output(ws)
    with unchanged(ws, files):
        assert_refused(run_cli(ws, "review", "export", str(files / "out.docx")), "out.docx", ".docx")


# -- 2. memory and endless input ---------------------------------------------------------------------
def test_huge_image_size_is_refused_by_range(ws):
    with unchanged(ws):
        assert_refused(run_cli(ws, "generate", "--model", "starter-image", "--prompt", "x",
                               "--width", "100000", "--height", "100000"), "--width", "16,384")


def test_image_memory_preflight_refuses_with_what_fits(ws):
    from engine.api import Engine
    from engine.errors import UserError
    with Engine.open(ws) as eng:
        generator = eng.image.generator("starter-image")
        with pytest.raises(UserError) as caught:
            generator.generate("x", {"width": 16384, "height": 16384, "batch_size": 4, "steps": 1})
    text = str(caught.value)
    assert "out of memory generating 4 image(s) at 16384x16384: needs at least" in text
    assert "a width and height of" in text and "a batch size of 1" in text and "\n" not in text
    assert "--" not in text   # the window shows it too: words, and the command line adds the options


@pytest.mark.parametrize("action", ["import", "preview"])
def test_a_device_is_refused_up_front(ws, action):
    extra = ["--name", "zeros"] if action == "import" else []
    with unchanged(ws):
        assert_refused(run_cli(ws, "data", action, "/dev/zero", "--format", "jsonl", *extra),
                       "/dev/zero", "character device")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("action", ["import", "preview"])
def test_a_fifo_is_refused_instead_of_hanging(ws, files, action):
    fifo = files / "pipe.jsonl"
    os.mkfifo(fifo)
    extra = ["--name", "piped"] if action == "import" else []
    with unchanged(ws):
        assert_refused(run_cli(ws, "data", action, str(fifo), *extra), "pipe.jsonl", "FIFO")


def test_a_line_longer_than_16_mib_is_refused_naming_it(ws, files):
    path = files / "long.jsonl"
    path.write_text('{"instruction": "a", "output": "b"}\n{"instruction": "' + "x" * (17 * 2**20) + '"}\n')
    with unchanged(ws):
        assert_refused(run_cli(ws, "data", "import", str(path), "--name", "long"), "long.jsonl", "line 2",
                       "16 MiB")


# -- 3. no bare tracebacks ------------------------------------------------------------------------------
def _deep_files(files):
    (files / "deep.jsonl").write_text('{"instruction": "a", "output": ' + DEEP + "}\n")
    (files / "deep.json").write_text(DEEP)
    with zipfile.ZipFile(files / "deep.zip", "w") as archive:
        archive.writestr("manifest.json", DEEP)
    return files


DEEP_COMMANDS = {
    "data import": lambda f: ["data", "import", str(f / "deep.jsonl"), "--name", "deep"],
    "data preview": lambda f: ["data", "preview", str(f / "deep.jsonl")],
    "task create --from": lambda f: ["task", "create", "--from", str(f / "deep.json")],
    "task import": lambda f: ["task", "import", str(f / "deep.json")],
    "task run --inputs": lambda f: ["task", "run", "ad-copy", "--inputs", str(f / "deep.jsonl")],
    "bundle inspect": lambda f: ["bundle", "inspect", str(f / "deep.zip")],
    "train --data": lambda f: ["train", "--model", "starter-text", "--data", str(f / "deep.jsonl"),
                               "--max-steps", "1"],
}


@pytest.mark.parametrize("command", list(DEEP_COMMANDS))
def test_json_nested_100000_deep(ws, files, command):
    _deep_files(files)
    with unchanged(ws):
        assert_refused(run_cli(ws, *DEEP_COMMANDS[command](files)), "deep", "nested")


def test_xlsx_that_is_a_zip_of_garbage(ws, files):
    path = files / "garbage.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<<<not xml")
        archive.writestr("xl/workbook.xml", "garbage")
    with unchanged(ws):
        assert_refused(run_cli(ws, "data", "import", str(path), "--name", "g"), "garbage.xlsx", "xlsx")


def test_format_xlsx_given_a_jsonl_file(ws, files):
    path = files / "rows.jsonl"
    path.write_text('{"instruction": "a", "output": "b"}\n')
    with unchanged(ws):
        assert_refused(run_cli(ws, "data", "import", str(path), "--format", "xlsx", "--name", "x"), "rows.jsonl",
                       "xlsx")


# -- 4. messages that blame the right thing ---------------------------------------------------------
@pytest.mark.parametrize("argv, named", [
    (["train", "--model", "starter-text", "--data", "ad-copy", "--max-steps", str(10**21)], "--max-steps"),
    (["train", "--model", "starter-text", "--data", "ad-copy", "--seed", str(10**23)], "--seed"),
    (["generate", "--model", "starter-text", "--prompt", "x", "--seed", str(10**23)], "--seed"),
    (["task", "run", "ad-copy", "--retries", "-1"], "--retries"),
    (["train", "--model", "starter-text", "--data", "ad-copy", "--lora-dropout", "2"], "--lora-dropout"),
    (["train", "--model", "starter-text", "--data", "ad-copy", "--weight-decay", "nan"], "--weight-decay"),
    (["train", "--model", "starter-text", "--data", "ad-copy", "--learning-rate", "inf"], "--learning-rate"),
])
def test_the_option_at_fault_is_named(ws, argv, named):
    with unchanged(ws):
        line = assert_refused(run_cli(ws, *argv), named)
    assert "target modules" not in line and "lower --learning-rate" not in line


def test_the_same_ranges_guard_the_facade(ws):
    from engine.api import Engine
    from engine.errors import UserError
    with Engine.open(ws) as eng:
        before = len(eng.jobs.list())
        for kind, params, named, option in [
            ("text.train", {"config": {"model": "starter-text", "data": "ad-copy", "lora_dropout": 2.0}},
             "lora dropout", "--lora-dropout"),
            ("text.train", {"config": {"model": "starter-text", "data": "ad-copy", "max_steps": 10**21}},
             "max steps", "--max-steps"),
            ("image.generate", {"model": "starter-image", "prompt": "x", "guidance_scale": float("nan")},
             "guidance scale", "--guidance-scale"),
            ("task.run", {"task": "ad-copy", "inputs": "x.csv", "max_retries": -1}, "max retries", "--retries"),
        ]:
            # the field in words (the window shows it too); the command line adds the option
            with pytest.raises(UserError, match=named) as caught:
                eng.jobs.submit(kind, params)
            assert caught.value.options == (option,) and "--" not in str(caught.value)
        assert len(eng.jobs.list()) == before


def _fake_adapter(ws, files, name="gone-adapter"):
    from engine.api import Engine
    folder = files / name
    folder.mkdir()
    (folder / "adapter_config.json").write_text('{"r": 4, "lora_alpha": 8, "target_modules": ["q_proj"]}')
    (folder / "adapter_model.safetensors").write_bytes(b"\0" * 64)
    with Engine.open(ws) as eng:
        eng.models.register(name, "text", "adapter", folder, base="starter-text")
    return folder


def test_an_adapter_whose_files_were_deleted(ws, files):
    import shutil
    folder = _fake_adapter(ws, files)
    shutil.rmtree(folder)
    with unchanged(ws):
        line = assert_refused(run_cli(ws, "generate", "--model", "starter-text", "--adapter", "gone-adapter",
                                      "--prompt", "hi"), "gone-adapter", "files are missing", str(folder))
    assert "aigc models verify" in line


def test_a_missing_image_blob_names_the_dataset_record(ws, files):
    from engine.api import Engine
    with Engine.open(ws) as eng:
        record = eng.data.records("posters", limit=1)[0]
        digest = eng.workspace.db().execute("SELECT fields FROM records r JOIN members m ON m.record = r.hash "
                                            "WHERE m.item = ? AND m.dataset_id = (SELECT id FROM datasets "
                                            "WHERE name = 'posters')", (record["id"],)).fetchone()[0]
        blob = eng.workspace.blobs.path_for(json.loads(digest)["image"])
    blob.unlink()
    result = run_cli(ws, "data", "export", "posters", str(files / "posters-out"), "--format", "imagefolder")
    line = assert_refused(result, f"record #{record['id']}", "missing")
    assert "FileNotFoundError" not in line
    assert not list(files.iterdir())


# -- 5. exit 0 on bad input --------------------------------------------------------------------------
def test_invalid_utf8_jsonl_is_refused_naming_line_and_offset(ws, files):
    path = files / "bad-utf8.jsonl"
    path.write_bytes(b'{"instruction": "ok", "output": "fine"}\n{"instruction": "caf\xe9 \xff\xfe", "output": "x"}\n')
    with unchanged(ws):
        assert_refused(run_cli(ws, "data", "import", str(path), "--name", "u"), "bad-utf8.jsonl", "line 2",
                       "byte offset", "UTF-8")
    result = run_cli(ws, "--json", "data", "import", str(path), "--name", "u", "--encoding", "latin-1")
    assert result.code == 0, result.err  # stated explicitly, it is the user's call


def test_csv_with_an_unterminated_quote(ws, files):
    path = files / "open-quote.csv"
    path.write_text('instruction,output\n"first,one\nsecond,two\n')
    with unchanged(ws):
        assert_refused(run_cli(ws, "data", "import", str(path), "--name", "q"), "open-quote.csv", "quoted field")


@pytest.mark.parametrize("argv, named", [
    (["generate", "--model", "starter-image", "--prompt", "x", "--width", "0"], "--width"),
    (["train", "--model", "starter-image", "--data", "posters", "--resolution", "0"], "--resolution"),
    (["generate", "--model", "starter-text", "--prompt", "x", "--temperature", "inf"], "--temperature"),
    (["generate", "--model", "starter-image", "--prompt", "x", "--guidance-scale", "nan"], "--guidance-scale"),
    (["generate", "--model", "starter-image", "--prompt", "x", "--adapter-scale", "nan"], "--adapter-scale"),
    (["train", "--model", "starter-text", "--data", "ad-copy", "--warmup-steps", "-10"], "--warmup-steps"),
    (["train", "--model", "starter-text", "--data", "ad-copy", "--patience", "-1"], "--patience"),
    (["data", "clean", "ad-copy", "--rules", "min-chars=-5"], "min-chars"),
    (["data", "clean", "ad-copy", "--rules", "min-chars=100", "max-chars=5"], "min-chars=100"),
    (["data", "clean", "ad-copy", "--rules", "max-tokens=0", "tokenizer=starter-text"], "max-tokens"),
    (["data", "annotate", "ad-copy", "--where-status", "bogus", "--accept"], "--where-status"),
    (["data", "import", "resources/samples/datasets/ad-copy.jsonl", "--name", "m", "--map", "nosuch=output"],
     "nosuch"),
    (["task", "create", "--name", "t1", "--template", "{x}", "--model", "nope"], "'nope'"),
    (["data", "import", "resources/samples/datasets/ad-copy.jsonl", "--name", "brand-new", "--append"],
     "--append"),
])
def test_bad_values_that_used_to_pass(ws, argv, named):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    argv = [os.path.join(root, a) if a.startswith("resources/") else a for a in argv]
    with unchanged(ws):
        assert_refused(run_cli(ws, *argv), named)


# -- 6. checks before the job starts -----------------------------------------------------------------
@pytest.mark.parametrize("model, data", [("starter-text", "ad-copy"), ("starter-image", "posters")])
@pytest.mark.parametrize("name, named", [("STARTER-IMAGE", "already exists"), ("team/ads", "'/'"),
                                         ("x" * 5000, "at most 64")])
def test_adapter_name_is_checked_before_training(ws, model, data, name, named):
    with unchanged(ws):
        assert_refused(run_cli(ws, "train", "--model", model, "--data", data, "--max-steps", "1",
                               "--output-name", name), named)
    assert not any((ws / "runs").iterdir())


# -- 7. job states that tell the truth ---------------------------------------------------------------
def _rows(files, count):
    path = files / "many.jsonl"
    path.write_text("".join(json.dumps({"instruction": f"q{i}", "output": f"a{i}"}) + "\n" for i in range(count)))
    return path


@pytest.mark.parametrize("when, state", [("committing", "succeeded"), ("rows read", "cancelled")])
def test_a_cancelled_import_reports_what_was_left(ws, files, when, state):
    from engine.api import Engine
    path = _rows(files, 4500)
    with Engine.open(ws) as eng:
        def cancel_at(event):
            if event.type == "progress" and when in event.data["message"]:
                eng.jobs.cancel(event.job_id)
        eng.jobs.subscribe(cancel_at)
        job = eng.jobs.wait(eng.data.import_file(path, "many").id)
        assert job.state.value == state, job.error
        assert eng.data.exists("many") == (state == "succeeded")


def test_resume_says_why_it_cannot(ws, files):
    from engine.api import Engine
    path = files / "bad.jsonl"
    path.write_text('{"instruction": "a", "output": "b"}\n')
    with Engine.open(ws) as eng:
        job = eng.jobs.run("data.import", {"path": str(path), "name": "once"})
        job = eng.jobs.run("data.import", {"path": str(path), "name": "twice", "format": "csv"})
        assert job.state.value == "failed"
    line = assert_refused(run_cli(ws, "jobs", "resume", job.id), job.id)
    assert "starts over" in line and "run the same command again" in line


def test_task_run_left_running_by_a_killed_process_shows_interrupted(ws):
    import sqlite3
    import time
    con = sqlite3.connect(ws / "workspace.db")
    with con:
        con.execute("INSERT INTO jobs(id, kind, title, state, params, resumable, created_at) "
                    "VALUES ('dead-job', 'task.run', 'Run task ad-copy', 'running', '{}', 1, ?)", (time.time(),))
        task_id = con.execute("SELECT id FROM tasks WHERE name = 'ad-copy'").fetchone()[0]
        con.execute("INSERT INTO task_runs(id, task_id, task_name, job_id, inputs_path, inputs_hash, total_items, "
                    "config, state, created_at) VALUES ('r-dead', ?, 'ad-copy', 'dead-job', 'x.csv', 'h', 3, '{}', "
                    "'running', ?)", (task_id, time.time()))
    con.close()
    result = run_cli(ws, "--json", "task", "runs", "ad-copy")
    runs = json.loads(result.out.strip().splitlines()[-1])["runs"]
    assert [r["state"] for r in runs if r["id"] == "r-dead"] == ["interrupted"]
    jobs = json.loads(run_cli(ws, "--json", "jobs", "list").out.strip().splitlines()[-1])["jobs"]
    assert [j["state"] for j in jobs if j["id"] == "dead-job"] == ["interrupted"]


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_task_run_killed_with_sigkill_is_interrupted_everywhere(ws, files):
    import signal
    import sqlite3
    import subprocess
    import sys
    import time
    inputs = files / "many.csv"
    inputs.write_text("product,audience,tone\n" + "mug,commuters,playful\n" * 2000)
    proc = subprocess.Popen([sys.executable, "-m", "engine", "--workspace", str(ws), "task", "run", "ad-copy",
                             "--inputs", str(inputs), "--batch-size", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ})
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            con = sqlite3.connect(f"file:{ws / 'workspace.db'}?mode=ro", uri=True, timeout=30)
            try:
                done = con.execute("SELECT count(*) FROM task_outputs").fetchone()[0]
            finally:
                con.close()
            if done >= 3:
                break
            time.sleep(0.2)
        assert done >= 3, "the run never produced outputs"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    runs = json.loads(run_cli(ws, "--json", "task", "runs", "ad-copy").out.strip().splitlines()[-1])["runs"]
    jobs = json.loads(run_cli(ws, "--json", "jobs", "list").out.strip().splitlines()[-1])["jobs"]
    assert runs[0]["state"] == "interrupted"
    assert [j["state"] for j in jobs if j["id"] == runs[0]["job_id"]] == ["interrupted"]


# -- 8. --skip-bad skips a bad JSONL line ---------------------------------------------------------------
def test_skip_bad_skips_a_bad_jsonl_line(ws, files):
    path = files / "one-bad.jsonl"
    path.write_text('{"instruction": "a", "output": "b"}\n{"instruction": oops}\n{"instruction": "c", "output": "d"}\n')
    assert_refused(run_cli(ws, "data", "import", str(path), "--name", "sb"), "line 2", "--skip-bad")
    result = run_cli(ws, "--json", "data", "import", str(path), "--name", "sb", "--skip-bad")
    assert result.code == 0, result.err
    data = json.loads(result.out.strip().splitlines()[-1])
    assert data["imported"] == 2 and data["skipped"] == 1 and data["skipped_rows"][0]["line"] == 2


# -- 9. workspaces -----------------------------------------------------------------------------------
def test_an_empty_database_file_is_refused(tmp_path):
    ws = tmp_path / "w"
    ws.mkdir()
    (ws / "workspace.db").write_bytes(b"")
    before = tree(ws)
    assert_refused(run_cli(ws, "data", "list"), "workspace.db", "0 bytes")
    assert tree(ws) == before


def test_an_empty_workspace_option_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("AIGC_WORKBENCH_HOME", str(tmp_path / "home"))
    assert_refused(run_cli(None, "--workspace", "", "data", "list"), "--workspace")
    assert not (tmp_path / "home").exists()


def test_one_workspace_precedence(tmp_path, monkeypatch):
    from engine.workspace.paths import choose_workspace
    monkeypatch.setenv("AIGC_WORKBENCH_HOME", str(tmp_path / "env"))
    assert choose_workspace(None, str(tmp_path / "remembered")) == (tmp_path / "env").resolve()
    assert choose_workspace(str(tmp_path / "flag"), str(tmp_path / "remembered")) == (tmp_path / "flag").resolve()
    monkeypatch.delenv("AIGC_WORKBENCH_HOME")
    assert choose_workspace(None, str(tmp_path / "remembered")) == (tmp_path / "remembered").resolve()


def test_the_window_honours_the_environment_over_the_remembered_workspace(tmp_path, monkeypatch):
    pytest.importorskip("PySide6")
    from desktop import app as desktop_app
    monkeypatch.setenv("AIGC_WORKBENCH_HOME", str(tmp_path / "env"))
    seen = {}

    class Window:
        def __init__(self, settings, workspace=None, samples=False):
            seen["workspace"] = workspace

    class Settings:
        workspace = str(tmp_path / "remembered")
        language = "en"
        theme = "light"

        def apply_device(self):
            pass

    monkeypatch.setattr("desktop.main_window.MainWindow", Window)
    desktop_app.create_app([])
    desktop_app.build_window(desktop_app.parse_args([]), Settings())
    assert seen["workspace"] == str((tmp_path / "env").resolve())


def test_read_only_commands_work_beside_the_owner(ws):
    import subprocess
    import sys
    owner = subprocess.Popen([sys.executable, "-c", "import sys, time; from engine.api import Engine; "
                              "e = Engine.open(sys.argv[1]); print('ready', flush=True); time.sleep(120)", str(ws)],
                             stdout=subprocess.PIPE, text=True, env={**os.environ})
    try:
        assert owner.stdout.readline().strip() == "ready"
        for argv in (["data", "list"], ["jobs", "list"], ["models", "list"], ["status"], ["task", "list"],
                     ["data", "show", "ad-copy"], ["review", "list"]):
            result = run_cli(ws, "--json", *argv)
            assert result.code == 0, (argv, result.err)
        assert_refused(run_cli(ws, "data", "delete", "ad-copy"), "in use", code=3)
    finally:
        owner.kill()
        owner.wait()


# -- 10. one naming rule -------------------------------------------------------------------------------
@pytest.mark.parametrize("first, second", [("café", "cafe\u0301"), ("ad-copy-x", "AD-COPY-X")])
def test_names_that_look_the_same_are_the_same(ws, files, first, second):
    path = files / "rows.jsonl"
    path.write_text('{"instruction": "a", "output": "b"}\n')
    assert run_cli(ws, "data", "import", str(path), "--name", first).code == 0
    with unchanged(ws):
        assert_refused(run_cli(ws, "data", "import", str(path), "--name", second), "already exists")
    result = run_cli(ws, "--json", "data", "show", second)
    assert result.code == 0 and json.loads(result.out.strip().splitlines()[-1])["stats"]["dataset"] == first


@pytest.mark.parametrize("argv", [
    ["data", "import", "resources/samples/datasets/ad-copy.jsonl", "--name", "n" * 5000],
    ["task", "create", "--name", "n" * 5000, "--template", "{x}"],
    ["models", "import", "resources", "--name", "n" * 5000, "--kind", "text"],
])
def test_one_length_cap_for_every_kind_of_name(ws, argv):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    argv = [os.path.join(root, a) if a.startswith("resources") else a for a in argv]
    with unchanged(ws):
        line = assert_refused(run_cli(ws, *argv))
    assert "64" in line


# -- 11. say what the path actually is -----------------------------------------------------------------
def test_inputs_given_a_folder(ws, files):
    with unchanged(ws):
        assert_refused(run_cli(ws, "task", "run", "ad-copy", "--inputs", str(files)), str(files), "is a folder")


@pytest.mark.parametrize("kind, named", [("fifo", "FIFO"), ("folder", "a folder")])
def test_bundle_import_says_what_the_path_is(ws, files, kind, named):
    path = files / "bundle.zip"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    with unchanged(ws):
        line = assert_refused(run_cli(ws, "bundle", "import", str(path)), named)
    assert "no such bundle" not in line


def test_snapshot_sees_a_change():
    """The snapshot the whole suite relies on notices a changed row and a new file."""
    from harness import diff
    before = {"integrity": "ok", "rows": {"t": ["(1,)"]}, "files": {}}
    assert diff(before, {"integrity": "ok", "rows": {"t": ["(2,)"]}, "files": {"x": ("file", 1, "a")}})
    assert snapshot  # imported for the suite's other modules
