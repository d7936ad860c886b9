"""Job titles in the interface language.

The engine names its jobs in English ("Train text model", "Run task ad-copy"); the
window shows the known phrases translated and keeps the names that follow them.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication


def _phrases() -> dict[str, str]:
    return {
        "Import dataset": QCoreApplication.translate("JobTitles", "Import dataset"),
        "Export dataset": QCoreApplication.translate("JobTitles", "Export dataset"),
        "Clean dataset": QCoreApplication.translate("JobTitles", "Clean dataset"),
        "Split dataset": QCoreApplication.translate("JobTitles", "Split dataset"),
        "Augment dataset": QCoreApplication.translate("JobTitles", "Augment dataset"),
        "Augment": QCoreApplication.translate("JobTitles", "Augment"),
        "Load sample content": QCoreApplication.translate("JobTitles", "Load sample content"),
        "Import model": QCoreApplication.translate("JobTitles", "Import model"),
        "Export model": QCoreApplication.translate("JobTitles", "Export model"),
        "Train text model": QCoreApplication.translate("JobTitles", "Train text model"),
        "Train image LoRA": QCoreApplication.translate("JobTitles", "Train image LoRA"),
        "Generate text": QCoreApplication.translate("JobTitles", "Generate text"),
        "Generate images": QCoreApplication.translate("JobTitles", "Generate images"),
        "Run task": QCoreApplication.translate("JobTitles", "Run task"),
        "Evaluate task": QCoreApplication.translate("JobTitles", "Evaluate task"),
        "Export bundle": QCoreApplication.translate("JobTitles", "Export bundle"),
        "Import bundle": QCoreApplication.translate("JobTitles", "Import bundle"),
        "Check bundle": QCoreApplication.translate("JobTitles", "Check bundle"),
        "Verify model": QCoreApplication.translate("JobTitles", "Verify model"),
        "Export reviewed outputs": QCoreApplication.translate("JobTitles", "Export reviewed outputs"),
        "Train a classification head": QCoreApplication.translate("JobTitles", "Train a classification head"),
        "Compression report": QCoreApplication.translate("JobTitles", "Compression report"),
    }


def _patterns() -> list[tuple[re.Pattern, str]]:
    """Titles that name things in the middle of the phrase ("Import ads.csv as ads")."""
    translate = QCoreApplication.translate
    return [(re.compile(r"Import (.+) as (.+)"), translate("JobTitles", "Import %1 as %2")),
            (re.compile(r"Export (.+) as (\w+)"), translate("JobTitles", "Export %1 as %2")),
            (re.compile(r"Train a head for (.+)"), translate("JobTitles", "Train a head for %1")),
            (re.compile(r"Clean (.+)"), translate("JobTitles", "Clean %1")),
            (re.compile(r"Split (.+)"), translate("JobTitles", "Split %1")),
            (re.compile(r"Augment (.+)"), translate("JobTitles", "Augment %1")),
            (re.compile(r"Resume (.+)"), translate("JobTitles", "Resume %1"))]


def job_title(title: str) -> str:
    """``title`` with its leading known phrase translated ("Run task ad-copy" -> "运行任务 ad-copy")."""
    phrases = _phrases()
    for english in sorted(phrases, key=len, reverse=True):
        if title == english:
            return phrases[english]
        if title.startswith(english + " "):
            return phrases[english] + title[len(english):]
    for pattern, text in _patterns():
        match = pattern.fullmatch(title)
        if match:
            for index, name in enumerate(match.groups(), 1):
                text = text.replace(f"%{index}", name)
            return text
    return title
