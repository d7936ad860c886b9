"""The command-line option behind a hint the engine gives in words.

Engine messages say what to do in words the window can show too ("import again skipping bad
rows"); on the command line the option that does it is added after the message. A phrase is found
in English or in the translation the message was made in (``engine.i18n``): every catalog entry
whose English holds a phrase holds the phrase's own translation too (tests/test_i18n.py).
"""
from __future__ import annotations

from engine.i18n import N_, tr

PHRASES = (
    (N_("skipping bad rows"), "--skip-bad"),
    (N_("map a column"), "--map COLUMN=FIELD"),
    (N_("map the field"), "--map FIELD=messages"),
    (N_("names no column of the file"), "--map COLUMN=FIELD"),
    (N_("choose the file's encoding"), "--encoding NAME"),
    (N_("choose the format"), "--format NAME"),
    (N_("choose the sheet"), "--sheet NAME"),
    (N_("add to the existing dataset"), "--append"),
    (N_("lower the learning rate"), "--learning-rate"),
    (N_("batch size"), "--batch-size"),
    (N_("gradient accumulation"), "--grad-accum"),
    (N_("gradient checkpointing"), "--gradient-checkpointing"),
    (N_("maximum length"), "--max-length"),
    (N_("without packing"), "--packing"),
    (N_("the LoRA method"), "--method lora"),
    (N_("smaller resolution"), "--resolution"),
    (N_("lower LoRA rank"), "--lora-r"),
    (N_("width and height"), "--width/--height"),
    (N_("low memory mode"), "--memory low"),
    (N_("with this adapter merged"), "--adapter"),
    (N_("choose to replace it"), "--force"),
    (N_("output name"), "--output-name"),
    (N_("int8 quantization"), "--int8"),
    (N_("with a validation share"), "--val"),
    (N_("choose the adapter to export"), "--adapter NAME"),
    (N_("rename it on import"), "--rename OLD=NEW"),
    (N_("use the auto or torch backend"), "--backend auto"),
    (N_("into train, validation and test"), "aigc data split DATASET --val 0.1 --test 0.1"),
)


def with_flags(message: str, options: tuple[str, ...] = ()) -> str:
    """``message`` followed by the options its words refer to (none when it already names them);
    ``options`` are those the error named itself (``UserError.options``)."""
    flags = [flag for phrase, flag in PHRASES if phrase in message or tr(phrase) in message]
    flags = [flag for flag in [*options, *flags] if flag.split()[0] not in message]
    flags = list(dict.fromkeys(flags))
    return tr("{message} [option: {options}]", message=message, options=", ".join(flags)) if flags else message
