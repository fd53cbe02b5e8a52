"""Links for every row of a list, at the cost of one ``reverse()`` for the whole list."""

from collections.abc import Callable

from django.urls import reverse

SENTINEL = "0row0"  # matches the slug, str and int-free converters the portal's URLs use


def link_maker(viewname: str, kwarg: str) -> Callable[[str], str]:
    """``link_maker("consultations:detail", "slug")("short-breaks")`` is the same address as
    ``reverse("consultations:detail", kwargs={"slug": "short-breaks"})``; a list of a thousand rows
    resolves the pattern once instead of a thousand times. Only for values the URL takes as they are
    (slugs): anything else goes through reverse(), which quotes it."""
    before, after = reverse(viewname, kwargs={kwarg: SENTINEL}).split(SENTINEL)

    def link(value: str) -> str:
        return f"{before}{value}{after}"

    return link
