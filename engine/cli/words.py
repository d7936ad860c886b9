"""Stored ids the command line prints for a person (job states, splits, record and review statuses) said in
the person's language; ``--json`` keeps the ids. A word that also means something else in the catalog
("test" is the test share of a split form) has a context: the msgid is ``context|id``."""
from __future__ import annotations

from engine.i18n import N_, tr

WORDS = (
    N_("state|queued"), N_("state|running"), N_("state|succeeded"), N_("state|failed"), N_("state|cancelled"),
    N_("state|interrupted"), N_("state|finished"), N_("state|stopped"), N_("state|archived"), N_("state|active"),
    N_("split|train"), N_("split|val"), N_("split|test"),
    N_("status|unreviewed"), N_("status|accepted"), N_("status|rejected"), N_("status|pending"),
    N_("status|approved"),
    N_("action|approve"), N_("action|reject"), N_("action|edit"),
    N_("metric|val_loss"), N_("metric|perplexity"),
    N_("detail|name"), N_("detail|path"), N_("detail|size_bytes"), N_("detail|files"), N_("detail|parameters"),
    N_("detail|dtype"), N_("detail|quantization"), N_("detail|context_length"), N_("detail|license"),
    N_("detail|base"), N_("detail|dataset"), N_("detail|run"), N_("detail|format"),
)


def word(value, context: str) -> str:
    """``value`` (an id such as 'succeeded') in words; an id without an entry is printed as it is."""
    msgid = f"{context}|{value}"
    if msgid not in WORDS:
        return str(value)
    text = tr(msgid)
    return str(value) if text == msgid else text


def counts(mapping: dict, context: str) -> str:
    """``{'train': 8, 'val': 2}`` -> 'train 8, val 2' in words."""
    return tr(", ").join(f"{word(k, context)} {v:,}" for k, v in mapping.items())


# the phrases the engine's job titles start with ("Run task ad-copy"); the window has the same table
TITLES = (
    N_("job|Import dataset"), N_("job|Export dataset"), N_("job|Clean dataset"), N_("job|Split dataset"),
    N_("job|Augment dataset"), N_("job|Augment"), N_("job|Load sample content"), N_("job|Import model"),
    N_("job|Export model"), N_("job|Train text model"), N_("job|Train image LoRA"), N_("job|Generate text"),
    N_("job|Generate images"), N_("job|Run task"), N_("job|Evaluate task"), N_("job|Export bundle"),
    N_("job|Import bundle"), N_("job|Check bundle"), N_("job|Verify model"), N_("job|Export reviewed outputs"),
)


def job_title(title: str) -> str:
    """``title`` with its leading known phrase in words ("Run task ad-copy" -> "运行任务 ad-copy")."""
    for msgid in sorted(TITLES, key=len, reverse=True):
        english = msgid.split("|", 1)[1]
        if title == english or title.startswith(english + " "):
            text = tr(msgid)
            return title if text == msgid else text + title[len(english):]
    return title
