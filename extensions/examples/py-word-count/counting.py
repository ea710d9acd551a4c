"""Counting words: letters, digits and apostrophes, as the JavaScript example does."""
import re

WORD = re.compile(r"[\w']+")
TEXT_FILE = re.compile(r"\.(md|markdown|txt|text|rst|adoc)$", re.IGNORECASE)


def count_words(text: str) -> int:
    return sum(1 for w in WORD.findall(text) if not w.strip("_") == "")
