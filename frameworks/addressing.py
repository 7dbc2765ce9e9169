"""Ladder text addressed to the reader. Key questions are written about someone ("Do they
find and rank the problems in their area…?") or in their voice ("Do I …?"); on a
person's own pages (my ladder, its PDF, the dashboard) they read as a question to them
("Do you find and rank the problems in your area…?"). Only pronouns change.

A question in the first person keeps its "they" (others: "Do I know what they need?");
one in the third person turns "they" to "you"."""

from __future__ import annotations

import re

FIRST_PERSON = {
    "i'm": "you're",
    "i've": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "myself": "yourself",
    "mine": "yours",
    "my": "your",
    "me": "you",
    "am i": "are you",
    "i am": "you are",
    "i": "you",
}
THIRD_PERSON = {
    "they're": "you're",
    "they've": "you've",
    "they'd": "you'd",
    "they'll": "you'll",
    "themselves": "yourself",
    "themself": "yourself",
    "theirs": "yours",
    "their": "your",
    "them": "you",
    "they": "you",
}


def _pattern(words: dict[str, str]) -> re.Pattern[str]:
    alternatives = (
        re.escape(k).replace("'", "['’]").replace(r"\ ", r"\s+")
        for k in sorted(words, key=len, reverse=True)
    )
    return re.compile(r"\b(" + "|".join(alternatives) + r")\b", re.IGNORECASE)


_FIRST = _pattern(FIRST_PERSON)
_THIRD = _pattern(THIRD_PERSON)


def to_you(text: str) -> str:
    """`text` with its pronouns turned to "you". A word that began with a capital (other
    than "I"), or that starts the text or a sentence, starts with one."""
    if not text:
        return text
    words, pattern = (FIRST_PERSON, _FIRST) if _FIRST.search(text) else (THIRD_PERSON, _THIRD)

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        key = " ".join(word.lower().replace("’", "'").split())
        new = words[key]
        if "’" in word:
            new = new.replace("'", "’")
        before = text[: match.start()].rstrip()
        starts = not before or before[-1] in ".?!"
        if starts or (word[0].isupper() and not key.startswith("i")):
            return new[0].upper() + new[1:]
        return new

    return pattern.sub(swap, text)
