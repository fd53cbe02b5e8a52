from django.urls import path

from . import views

public = [
    path("local-offer/feedback/", views.PublicIndexView.as_view(), name="local-offer"),
    path("local-offer/feedback/<int:year>/", views.PublicYearView.as_view(), name="local-offer-year"),
]
staff = [
    path("staff/reports/", views.ReportListView.as_view(), name="reports"),
    path("staff/reports/new/", views.ReportRequestView.as_view(), name="report-request"),
    path("staff/reports/<int:report_pk>/", views.ReportDetailView.as_view(), name="report"),
    path("staff/reports/<int:report_pk>/report.csv", views.ReportCsvView.as_view(), name="report-csv"),
    path("staff/reports/<int:report_pk>/report.pdf", views.ReportPdfView.as_view(), name="report-pdf"),
    path("staff/reports/<int:report_pk>/review/", views.ReportReviewView.as_view(), name="report-review"),
    path("staff/reports/<int:report_pk>/approve/", views.ReportApproveView.as_view(), name="report-approve"),
    path("staff/reports/<int:report_pk>/quotes/remove/", views.QuoteRemoveView.as_view(), name="report-quote-remove"),
    path("staff/reports/<int:report_pk>/commentary/", views.CommentaryAddView.as_view(), name="report-commentary"),
    path("staff/reports/<int:report_pk>/actions/new/", views.ActionAddView.as_view(), name="report-action-add"),
    path("staff/reports/actions/<int:improvement_action_pk>/", views.ActionDetailView.as_view(), name="action"),
    path("staff/reports/local-offer/", views.PublicationListView.as_view(), name="publications"),
    path("staff/reports/local-offer/<int:publication_pk>/", views.PublicationEditView.as_view(), name="publication"),
    path(
        "staff/reports/local-offer/<int:publication_pk>/publish/",
        views.PublicationPublishView.as_view(),
        name="publication-publish",
    ),
]
