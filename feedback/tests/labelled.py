"""A labelled set of feedback built from phrases, for the suggestion tests and bench/suggestions.py.

Each theme has phrases only it uses and the set shares filler words across themes, so a model must
learn which words matter; a few items carry two themes, some mention another theme's words in
passing (not coded with it), and a few were coded with one theme for a word the person read
differently, as happens in real coding. The keyword lists name only some of each theme's phrases.
"""

import random

from django.utils import timezone

from accounts.models import User
from feedback.models import Coding, FeedbackItem, FeedbackSource, Polarity, Theme

THEMES = {
    "Transport": (["bus", "taxi", "escort", "journey to school", "driver"], "bus\ntaxi"),
    "Short breaks": (
        ["short break", "respite", "overnight stay", "holiday club", "activity day"],
        "short break\nrespite",
    ),
    "Communication": (["called back", "phone calls", "emails", "letters", "kept informed"], "called back\nphone"),
    "EHC plans": (["EHC plan", "annual review", "assessment", "caseworker", "tribunal"], "ehc plan\nannual review"),
}
FILLER = ["our son", "my daughter", "this year", "the council", "every week", "we feel", "it was", "really"]


def labelled_items(*, count: int, coder: User, seed: int = 7, source_prefix: str = "labelled") -> list[FeedbackItem]:
    """``count`` coded items (each coded by ``coder`` with the themes its phrases came from)."""
    chooser = random.Random(seed)
    themes = {
        name: Theme.objects.get_or_create(name=name, defaults={"keywords": keywords})[0]
        for name, (_phrases, keywords) in THEMES.items()
    }
    names = list(THEMES)
    items, codings = [], []
    for number in range(count):
        chosen = chooser.sample(names, 2 if number % 7 == 0 else 1)
        words = [chooser.choice(THEMES[name][0]) for name in chosen for _repeat in range(2)]
        words += chooser.sample(FILLER, 3)
        if chooser.random() < 0.2:  # another theme mentioned in passing
            words.append(chooser.choice(THEMES[chooser.choice(names)][0]))
        if chooser.random() < 0.05:  # a coder's different reading
            chosen = [chooser.choice(names)]
        chooser.shuffle(words)
        items.append(
            FeedbackItem(
                source=FeedbackSource.LETTER,
                channel="paper",
                received_on=timezone.localdate(),
                text=" ".join(words).capitalize() + ".",
                source_key=f"{source_prefix}:{seed}:{number}",
            )
        )
        codings.append(chosen)
    items = FeedbackItem.objects.bulk_create(items)
    Coding.objects.bulk_create(
        Coding(
            item=item, theme=themes[name], polarity=Polarity.NEEDS_IMPROVING, coded_by=coder, coded_at=timezone.now()
        )
        for item, chosen in zip(items, codings, strict=True)
        for name in chosen
    )
    return items
