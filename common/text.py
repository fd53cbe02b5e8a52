"""Text people wrote, made safe to take in and to show: no NUL characters in, no invisible
direction controls out.

A NUL character cannot be stored in PostgreSQL and is never meant; Django would answer it with a
technical message and echo it back. Invisible bidirectional controls (U+202A-U+202E, U+2066-U+2069,
U+200E, U+200F) can reorder the text around them, so an answer can read differently from what
was typed ("Trojan Source"); on staff pages and in exports they are removed. Direction itself is
left to the browser with dir="auto" on each element that shows what people wrote.
"""

import re

from django.utils.translation import gettext_lazy as _

NUL = "\x00"
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")
NUL_REMOVED_MESSAGE = _("We removed a character that cannot be saved. Check your answer and send it again.")


def search_words(raw, *, limit: int = 100) -> str:
    """What someone typed into a search box, fit to query with: no NUL, trimmed, at most ``limit``."""
    return ("" if raw is None else str(raw)).replace(NUL, "").strip()[:limit]


def without_bidi_controls(text) -> str:
    """The text with every invisible direction control removed; None becomes ""."""
    return BIDI_CONTROLS.sub("", "" if text is None else str(text))


class NulFreeFormMixin:
    """A form that removes NUL characters from what was posted before validating, and tells the
    person plainly on the field that had one, instead of Django's message and an echo of it."""

    nul_message = NUL_REMOVED_MESSAGE

    def full_clean(self):
        nul_fields = []
        if self.is_bound and not getattr(self, "_nul_removed", False):
            self._nul_removed = True
            data = self.data.copy()
            for name in self.fields:
                key = self.add_prefix(name)
                if key not in data:
                    continue
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                if any(isinstance(value, str) and NUL in value for value in values):
                    cleaned = [value.replace(NUL, "") if isinstance(value, str) else value for value in values]
                    if hasattr(data, "setlist"):
                        data.setlist(key, cleaned)
                    else:
                        data[key] = cleaned if isinstance(data[key], list | tuple) else cleaned[0]
                    nul_fields.append(name)
            self.data = data
        super().full_clean()
        for name in nul_fields:
            if not self.has_error(name):
                self.add_error(name, self.nul_message)
