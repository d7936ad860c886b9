"""Settings: the 'signed bundles only' checkbox is the workspace policy; the import dialog names the signer."""
from __future__ import annotations

from tests.gui.conftest import add_text_dataset, wait_ops


def test_require_signature_checkbox_and_signer_in_the_import_report(make_window, qtbot, tmp_path):
    window = make_window()
    engine = window.engine
    add_text_dataset(engine, "ads", rows=4)
    engine.keys.create(name="hq")
    out = tmp_path / "signed.zip"
    assert engine.jobs.wait(engine.bundles.export(out, datasets=["ads"]).id).state.value == "succeeded"
    unsigned = tmp_path / "unsigned.zip"
    assert engine.jobs.wait(engine.bundles.export(unsigned, datasets=["ads"], no_sign=True).id).state.value \
        == "succeeded"

    window.open_settings()
    dialog = window._settings_dialog
    box = dialog.require_signature
    assert box.isEnabled() and not box.isChecked()
    box.setChecked(True)
    dialog.accept()
    assert engine.keys.require_signature()
    window.open_settings()
    assert window._settings_dialog.require_signature.isChecked()
    window._settings_dialog.reject()

    page = window.show_page("models")
    report = page.open_bundle_import(str(out))
    report.check_button.click()
    qtbot.waitUntil(lambda: report.summary.text()[:1] in "✓⚠✕", timeout=20_000)
    wait_ops(qtbot)
    assert "Signed by key hq (" in report.summary.text() and "trusted." in report.summary.text()

    refused = page.open_bundle_import(str(unsigned))
    refused.check_button.click()
    qtbot.waitUntil(lambda: refused.summary.text()[:1] in "✓⚠✕", timeout=20_000)
    wait_ops(qtbot)
    assert refused.summary.text().startswith("⚠") and "Not signed." in refused.summary.text()
    assert "is not signed" in refused.summary.text() and not refused.import_button.isEnabled()
