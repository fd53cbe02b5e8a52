from django.urls import path

from .views import public, responses, staff

app_name = "consultations"

public_urls = [
    path("account/responses/", public.YourResponsesView.as_view(), name="your-responses"),
    path("account/consultation-updates/", responses.SubscriptionsView.as_view(), name="subscriptions"),
    path("consultations/", public.HubView.as_view(), name="hub"),
    path("consultations/<slug:slug>/", public.DetailView.as_view(), name="detail"),
    path("consultations/<slug:slug>/documents/<int:document_pk>/", public.DocumentView.as_view(), name="document"),
    path("consultations/<slug:slug>/respond/", public.StartView.as_view(), name="respond"),
    path("consultations/<slug:slug>/respond/page/<int:page>/", public.QuestionPageView.as_view(), name="respond-page"),
    path("consultations/<slug:slug>/respond/about-you/", public.AboutYouView.as_view(), name="respond-about-you"),
    path("consultations/<slug:slug>/respond/check/", public.CheckAnswersView.as_view(), name="respond-check"),
    path("consultations/<slug:slug>/respond/save/", public.SaveForLaterView.as_view(), name="respond-save"),
    path("consultations/<slug:slug>/respond/kept/", public.KeptView.as_view(), name="respond-kept"),
    path(
        "consultations/<slug:slug>/respond/done/<str:reference>/",
        public.ConfirmationView.as_view(),
        name="respond-done",
    ),
    path("consultations/<slug:slug>/resume/<str:token>/", public.ResumeView.as_view(), name="resume"),
    path("consultations/<slug:slug>/you-said-we-did/", responses.PublicOutcomesView.as_view(), name="outcomes"),
    path("you-said-we-did/", responses.PublicOutcomeListView.as_view(), name="outcome-list"),
]

staff_urls = [
    path("staff/consultations/", staff.ListView.as_view(), name="staff-list"),
    path("staff/consultations/new/", staff.CreateView.as_view(), name="staff-create"),
    path("staff/consultations/<int:pk>/", staff.OverviewView.as_view(), name="staff-overview"),
    path("staff/consultations/<int:pk>/edit/", staff.EditView.as_view(), name="staff-edit"),
    path("staff/consultations/<int:pk>/preview/", staff.PreviewView.as_view(), name="staff-preview"),
    path("staff/consultations/<int:pk>/publish/", staff.PublishView.as_view(), name="staff-publish"),
    path("staff/consultations/<int:pk>/withdraw/", staff.WithdrawView.as_view(), name="staff-withdraw"),
    path(
        "staff/consultations/<int:pk>/questions/new/", staff.QuestionCreateView.as_view(), name="staff-question-create"
    ),
    path(
        "staff/consultations/<int:pk>/questions/<int:question_pk>/",
        staff.QuestionEditView.as_view(),
        name="staff-question-edit",
    ),
    path(
        "staff/consultations/<int:pk>/questions/<int:question_pk>/move/",
        staff.QuestionMoveView.as_view(),
        name="staff-question-move",
    ),
    path(
        "staff/consultations/<int:pk>/questions/<int:question_pk>/delete/",
        staff.QuestionDeleteView.as_view(),
        name="staff-question-delete",
    ),
    path(
        "staff/consultations/<int:pk>/documents/new/", staff.DocumentCreateView.as_view(), name="staff-document-create"
    ),
    path(
        "staff/consultations/<int:pk>/documents/<int:document_pk>/",
        staff.DocumentDownloadView.as_view(),
        name="staff-document",
    ),
    path(
        "staff/consultations/<int:pk>/documents/<int:document_pk>/delete/",
        staff.DocumentDeleteView.as_view(),
        name="staff-document-delete",
    ),
    path("staff/consultations/<int:pk>/responses/", responses.ResponseListView.as_view(), name="staff-responses"),
    path("staff/consultations/<int:pk>/responses/summary/", responses.SummaryView.as_view(), name="staff-summary"),
    path(
        "staff/consultations/<int:pk>/responses/export.csv", responses.ExportCsvView.as_view(), name="staff-export-csv"
    ),
    path(
        "staff/consultations/<int:pk>/responses/export.xlsx",
        responses.ExportXlsxView.as_view(),
        name="staff-export-xlsx",
    ),
    path(
        "staff/consultations/<int:pk>/responses/exports/<int:export_pk>/",
        responses.ExportView.as_view(),
        name="staff-export",
    ),
    path(
        "staff/consultations/<int:pk>/responses/exports/<int:export_pk>/download/",
        responses.ExportDownloadView.as_view(),
        name="staff-export-download",
    ),
    path(
        "staff/consultations/<int:pk>/responses/record/",
        responses.RecordResponseView.as_view(),
        name="staff-record-response",
    ),
    path(
        "staff/consultations/<int:pk>/responses/<int:response_pk>/",
        responses.ResponseDetailView.as_view(),
        name="staff-response",
    ),
    path(
        "staff/consultations/<int:pk>/responses/<int:response_pk>/contact/",
        responses.ContactDetailsView.as_view(),
        name="staff-response-contact",
    ),
    path(
        "staff/consultations/<int:pk>/responses/<int:response_pk>/safeguarding/",
        responses.SafeguardingView.as_view(),
        name="staff-safeguarding",
    ),
    path("staff/consultations/<int:pk>/you-said-we-did/", responses.OutcomesEditView.as_view(), name="staff-outcomes"),
    path(
        "staff/consultations/<int:pk>/you-said-we-did/<int:item_pk>/delete/",
        responses.OutcomeItemDeleteView.as_view(),
        name="staff-outcome-delete",
    ),
    path(
        "staff/consultations/<int:pk>/you-said-we-did/publish/",
        responses.OutcomesPublishView.as_view(),
        name="staff-outcomes-publish",
    ),
]

urlpatterns = public_urls + staff_urls
