from django.urls import path

from . import views, views_coding
from .reports import urls as report_urls

app_name = "feedback"

public = [
    path("feedback/", views.CodeView.as_view(), name="code"),
    path("feedback/your-feedback/", views.FeedbackFormView.as_view(), name="form"),
    path("feedback/young-people/", views.ChildFeedbackFormView.as_view(), name="child-form"),
    path("feedback/thank-you/", views.ThanksView.as_view(), name="thanks"),
]
# --- Closed cases, letters, calls and feedback recorded by staff (views.py) ------------------------
staff = [
    path("staff/feedback/cases/", views.CaseListView.as_view(), name="cases"),
    path("staff/feedback/cases/new/", views.CaseCreateView.as_view(), name="case-create"),
    path("staff/feedback/cases/upload/", views.CasesImportView.as_view(), name="import"),
    path("staff/feedback/cases/upload/template.csv", views.CasesTemplateView.as_view(), name="import-template"),
    path("staff/feedback/cases/<int:case_pk>/", views.CaseDetailView.as_view(), name="case"),
    path("staff/feedback/cases/<int:case_pk>/edit/", views.CaseEditView.as_view(), name="case-edit"),
    path("staff/feedback/letters/", views.LetterBatchListView.as_view(), name="letters"),
    path("staff/feedback/letters/<int:batch_pk>/pdf/", views.LetterBatchPdfView.as_view(), name="letters-pdf"),
    path("staff/feedback/calls/", views.CallListView.as_view(), name="calls"),
    path("staff/feedback/calls/quarters/", views.QuarterListView.as_view(), name="quarters"),
    path("staff/feedback/calls/<int:call_pk>/", views.CallView.as_view(), name="call"),
    path("staff/feedback/record/", views.FeedbackRecordView.as_view(), name="record"),
    path("staff/feedback/case-feedback/<int:feedback_pk>/", views.FeedbackDetailView.as_view(), name="feedback"),
    path(
        "staff/feedback/case-feedback/<int:feedback_pk>/flag/", views.FeedbackFlagView.as_view(), name="feedback-flag"
    ),
    path(
        "staff/feedback/case-feedback/<int:feedback_pk>/flag/handled/",
        views.FeedbackFlagHandleView.as_view(),
        name="flag-handle",
    ),
    path("staff/feedback/safeguarding-flags/", views.FlagListView.as_view(), name="flags"),
]

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

staff += coding

# --- Six-monthly theme reports (/staff/reports/) ---------------------------------------------------
public += report_urls.public
staff += report_urls.staff

urlpatterns = public + staff
