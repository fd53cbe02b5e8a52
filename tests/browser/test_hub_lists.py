"""The hub with more consultations than a list shows: the cap, the link to all of them, and paging."""

from consultations.tests.factories import ConsultationFactory
from consultations.views.public import HUB_PER_PAGE, HUB_SECTION_CAP

from .conftest import assert_accessible, assert_no_sideways_scrolling


def test_a_visitor_goes_from_the_capped_open_list_to_every_open_consultation_page_by_page(page):
    total = HUB_SECTION_CAP + 3
    ConsultationFactory.create_batch(total, for_parent_carers=True)
    ConsultationFactory.create_batch(2, upcoming=True)

    page.goto("/consultations/?audience=parent_carers")
    assert page.locator("#open + ul li.app-consultation-list__item").count() == HUB_SECTION_CAP
    assert_accessible(page, "consultations-hub-capped")
    page.get_by_role("link", name=f"See all {total} open consultations").click()

    assert "status=open" in page.url and "audience=parent_carers" in page.url
    assert page.get_by_label("Status").input_value() == "open"
    assert page.locator("li.app-consultation-list__item").count() == HUB_PER_PAGE
    assert page.get_by_role("heading", name="Coming up").count() == 0
    assert_accessible(page, "consultations-hub-open-only")
    page.get_by_role("link", name="Next page").click()

    assert "page=2" in page.url and "audience=parent_carers" in page.url
    assert page.locator("li.app-consultation-list__item").count() == total - HUB_PER_PAGE
    assert_no_sideways_scrolling(page)
