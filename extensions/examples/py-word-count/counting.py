"""Counting words as the JavaScript example does: runs of letters, digits and apostrophes."""
import re

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*|'")
TEXT_FILE = re.compile(r"\.(md|markdown|txt|text|rst|adoc)$", re.IGNORECASE)


def count_words(text: str) -> int:
    return sum(1 for w in WORD.findall(text) if w != "'")
