from django.core.paginator import Paginator


def page_links(page) -> list[int | str]:
    """Page numbers for GOV.UK pagination, with the paginator's ellipsis where the list is cut short.

    Empty when everything fits on one page, so templates show no pagination at all.
    """
    if page.paginator.num_pages <= 1:
        return []
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))


class CountedPaginator(Paginator):
    """A paginator told its count, when the page already has it (from one query counting several
    lists at once, or from a cache), so paging costs one query for the rows and none to count."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # Paginator.count is a cached_property: this is its value
