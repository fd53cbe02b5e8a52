"""{% drawn_once %}: a part drawn once under the key a view gives, or for this request alone without one."""

from django.core.cache import caches
from django.template import Context, Template

PAGE = Template('{% load drawings %}{% drawn_once 60 part key using="drawings" %}{{ words }}{% enddrawn_once %}')


def test_a_part_with_a_key_is_drawn_once_and_one_without_is_drawn_each_time():
    caches["drawings"].clear()
    assert PAGE.render(Context({"key": "k1", "words": "first"})) == "first"
    assert PAGE.render(Context({"key": "k1", "words": "second"})) == "first"  # kept under its key
    assert PAGE.render(Context({"key": "k2", "words": "second"})) == "second"
    assert PAGE.render(Context({"key": "", "words": "mine"})) == "mine"
    assert PAGE.render(Context({"key": "", "words": "yours"})) == "yours"  # never kept
