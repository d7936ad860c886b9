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
        assert job_title("Import 春季活动.csv as 春季活动") == "导入 春季活动.csv 为 春季活动"
        assert job_title("Export ads as jsonl") == "导出 ads 为 jsonl"
        assert job_title("Split ads") == "划分 ads"
        assert job_title("Export dataset") == "导出数据集"
    finally:
        i18n.install(QApplication.instance(), "en")
