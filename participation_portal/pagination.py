def page_links(page) -> list[int | str]:
    """Page numbers for GOV.UK pagination, with the paginator's ellipsis where the list is cut short.

    Empty when everything fits on one page, so templates show no pagination at all.
    """
    if page.paginator.num_pages <= 1:
        return []
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
