"""Logging filters that keep what people typed out of the logs."""

import logging


class WithoutTemplateContext(logging.Filter):
    """Drop the traceback from ``django.template``'s "Exception while resolving variable" lines.

    At DEBUG, Django logs every failed variable lookup with the exception, whose message is the
    whole template context: a form's posted values, e-mail addresses, answers. The line itself
    (the variable and the template) is enough to find a template mistake.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
