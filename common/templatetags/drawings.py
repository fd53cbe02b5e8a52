"""``{% drawn_once seconds name key [more ...] [using="drawings"] %} ... {% enddrawn_once %}``.

Django's ``{% cache %}``, with one rule more: the first value after the name is the key a view gave
(common.cache.shared_with_drawing, form_drawing_key), and where it is empty (someone signed in, a form
holding what a person typed) the part is drawn for this request alone and kept nowhere.
"""

from django import template
from django.templatetags.cache import CacheNode

register = template.Library()


class DrawnOnceNode(CacheNode):
    def render(self, context):
        if not self.vary_on[0].resolve(context):
            return self.nodelist.render(context)
        return super().render(context)


@register.tag("drawn_once")
def drawn_once(parser, token):
    nodelist = parser.parse(("enddrawn_once",))
    parser.delete_first_token()
    tokens = token.split_contents()
    cache_name = None
    if tokens[-1].startswith("using="):
        cache_name = parser.compile_filter(tokens.pop().removeprefix("using="))
    if len(tokens) < 4:
        raise template.TemplateSyntaxError(f"{tokens[0]} takes the seconds, a name and the key to keep it under")
    return DrawnOnceNode(
        nodelist,
        parser.compile_filter(tokens[1]),
        tokens[2],
        [parser.compile_filter(value) for value in tokens[3:]],
        cache_name,
    )
