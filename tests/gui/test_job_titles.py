"""Job titles from the engine appear in the interface language, keeping the names after them."""
from __future__ import annotations

from PySide6.QtWidgets import QApplication


def test_job_titles_follow_the_language(qapp):
    from desktop import i18n
    from desktop.job_titles import job_title
    assert job_title("Run task ad-copy") == "Run task ad-copy"
    i18n.install(QApplication.instance(), "zh_CN")
    try:
        assert job_title("Run task ad-copy") == "运行任务 ad-copy"
        assert job_title("Train text model") == "训练文本模型"
        assert job_title("Export bundle usb.zip") == "导出离线包 usb.zip"
        assert job_title("Something new") == "Something new"
    finally:
        i18n.install(QApplication.instance(), "en")
