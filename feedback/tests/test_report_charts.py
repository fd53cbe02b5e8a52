"""Server-drawn bar charts: an image with a title, a bar per shown count, none for a hidden one, and
every label escaped."""

from common.disclosure import Count
from feedback.reports.charts import bar_chart


def test_a_chart_is_an_image_with_a_title_and_no_bar_for_a_hidden_count():
    svg = bar_chart(
        title="Feedback by team", rows=[("Short breaks", Count(12)), ("Transport", Count(3, hidden=True))], chart_id="t"
    )
    assert 'role="img"' in svg and 'aria-labelledby="t-title"' in svg and '<title id="t-title">Feedback by team' in svg
    assert svg.count("<rect") == 1
    assert ">fewer than 5</text>" in svg and ">12</text>" in svg and ">3<" not in svg


def test_labels_typed_by_people_are_escaped():
    svg = bar_chart(title='<script>alert("x")</script>', rows=[("<b>Team</b>", Count(6))], chart_id="t")
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&lt;b&gt;Team&lt;/b&gt;" in svg


def test_an_empty_chart_draws_nothing_and_does_not_fail():
    assert "<rect" not in bar_chart(title="Nothing", rows=[], chart_id="t")
