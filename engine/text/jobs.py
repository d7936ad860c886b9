"""Job kinds of the text area: ``text.train`` and ``text.generate``."""
