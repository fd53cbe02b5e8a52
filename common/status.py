"""States shown as GOV.UK tags: one colour and one label per state, declared beside the state's type.

A state type (a ``TextChoices``) says how it looks by giving each member a ``tag_colour``; its
``label`` is the tag's text. ``{% status_tag value %}`` (common/templatetags/status_tags.py) draws
it, so a state looks the same on every page that shows it, and no page writes a tag by hand.
"""

from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import Protocol, runtime_checkable


class TagColour(StrEnum):
    """The GOV.UK Frontend tag colours (govuk-tag--<colour>)."""

    GREY = "grey"
    GREEN = "green"
    TURQUOISE = "turquoise"
    BLUE = "blue"
    LIGHT_BLUE = "light-blue"
    PURPLE = "purple"
    PINK = "pink"
    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"


@runtime_checkable
class Tagged(Protocol):
    """A state that can be shown as a tag: a ``TextChoices`` member with a ``tag_colour`` property."""

    @property
    def label(self) -> str: ...

    @property
    def tag_colour(self) -> TagColour: ...


def tag_colours(states: type[Enum], colours: Mapping[Enum, TagColour]) -> Mapping[Enum, TagColour]:
    """Check a state type's colours when its module loads: a state added without a colour fails at
    start-up, not on the first page that shows it."""
    missing = [state for state in states if state not in colours]
    if missing:
        raise LookupError(f"{states.__name__} has no tag colour for {', '.join(map(str, missing))}")
    return dict(colours)
