from django.urls import path

from . import views_coding

app_name = "feedback"

public: list = []

# --- Coding themes: the inbox, one item, the taxonomy, agreement (views_coding.py) ---------------
coding = [
    path("staff/feedback/inbox/", views_coding.InboxView.as_view(), name="inbox"),
    path("staff/feedback/items/<int:feedback_item_pk>/", views_coding.ItemView.as_view(), name="item"),
    path(
        "staff/feedback/items/<int:feedback_item_pk>/suggestions/<int:suggestion_pk>/accept/",
        views_coding.SuggestionAcceptView.as_view(),
        name="suggestion-accept",
    ),
    path(
        "staff/feedback/items/<int:feedback_item_pk>/codings/<int:coding_pk>/remove/",
        views_coding.CodingRemoveView.as_view(),
        name="coding-remove",
    ),
    path("staff/feedback/themes/", views_coding.ThemeListView.as_view(), name="themes"),
    path("staff/feedback/agreement/", views_coding.AgreementView.as_view(), name="agreement"),
]

staff: list = [*coding]
urlpatterns = public + staff
