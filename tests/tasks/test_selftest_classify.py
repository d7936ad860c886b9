"""The classify self-test check on the shipped starter model, through ``aigc selftest --only classify``."""
import json

from engine.cli import main


def test_selftest_classify_check_passes(capsys):
    code = main(["--json", "selftest", "--only", "classify"])
    captured = capsys.readouterr()
    report = json.loads(captured.out.strip().splitlines()[-1])
    assert code == 0 and report["ok"], report
    result = report["checks"][0]
    assert result["name"] == "classify"
    assert 0 <= result["accuracy"] <= 100 and result["temperature"] > 0
    assert 0 <= result["ece_before"] <= 1 and 0 <= result["ece_after"] <= 1
    assert set(result["multi_label"].split(", ")) <= {"tea", "shoes", "lamp"}
