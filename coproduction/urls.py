from django.urls import path

from . import follow_up_views, recognition_views, report_views, views

app_name = "coproduction"

public = [
    path("coproduction/invitations/<str:rsvp_token>/", views.RsvpView.as_view(), name="rsvp"),
    path(
        "coproduction/calendars/<str:feed_token>/sessions.ics", views.CalendarFeedView.as_view(), name="calendar-feed"
    ),
]
staff = [
    path("staff/coproduction/", views.IndexView.as_view(), name="index"),
    path("staff/coproduction/groups/", views.GroupListView.as_view(), name="groups"),
    path("staff/coproduction/groups/new/", views.GroupCreateView.as_view(), name="group-create"),
    path("staff/coproduction/groups/<int:group_pk>/", views.GroupDetailView.as_view(), name="group"),
    path("staff/coproduction/groups/<int:group_pk>/edit/", views.GroupEditView.as_view(), name="group-edit"),
    path("staff/coproduction/groups/<int:group_pk>/close/", views.GroupCloseView.as_view(), name="group-close"),
    path(
        "staff/coproduction/groups/<int:group_pk>/members/add/",
        views.MembershipAddView.as_view(),
        name="membership-add",
    ),
    path(
        "staff/coproduction/groups/<int:group_pk>/members/<int:membership_pk>/end/",
        views.MembershipEndView.as_view(),
        name="membership-end",
    ),
    path("staff/coproduction/participants/", views.ParticipantListView.as_view(), name="participants"),
    path("staff/coproduction/participants/new/", views.ParticipantCreateView.as_view(), name="participant-create"),
    path("staff/coproduction/participants/import/", views.ImportView.as_view(), name="import"),
    path(
        "staff/coproduction/participants/import/template.csv",
        views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path(
        "staff/coproduction/participants/<int:participant_pk>/",
        views.ParticipantDetailView.as_view(),
        name="participant",
    ),
    path(
        "staff/coproduction/participants/<int:participant_pk>/edit/",
        views.ParticipantEditView.as_view(),
        name="participant-edit",
    ),
    path("staff/coproduction/sessions/", views.SessionListView.as_view(), name="sessions"),
    path("staff/coproduction/sessions/new/", views.SessionCreateView.as_view(), name="session-create"),
    path("staff/coproduction/sessions/<int:session_pk>/", views.SessionDetailView.as_view(), name="session"),
    path("staff/coproduction/sessions/<int:session_pk>/edit/", views.SessionEditView.as_view(), name="session-edit"),
    path(
        "staff/coproduction/sessions/<int:session_pk>/cancel/",
        views.SessionCancelView.as_view(),
        name="session-cancel",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/agenda/add/",
        views.AgendaItemFormView.as_view(),
        name="agenda-add",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/agenda/<int:agenda_item_pk>/edit/",
        views.AgendaItemFormView.as_view(),
        name="agenda-edit",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/agenda/<int:agenda_item_pk>/move/",
        views.AgendaItemMoveView.as_view(),
        name="agenda-move",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/agenda/<int:agenda_item_pk>/delete/",
        views.AgendaItemDeleteView.as_view(),
        name="agenda-delete",
    ),
    path("staff/coproduction/sessions/<int:session_pk>/register/", views.RegisterView.as_view(), name="register"),
    path("staff/coproduction/sessions/<int:session_pk>/invite/", views.InviteView.as_view(), name="invite"),
    path("staff/coproduction/sessions/<int:session_pk>/replies/", views.RepliesView.as_view(), name="replies"),
    path(
        "staff/coproduction/sessions/<int:session_pk>/access-needs/",
        views.AccessNeedsView.as_view(),
        name="access-needs",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/register/walk-in/",
        views.WalkInAddView.as_view(),
        name="walk-in",
    ),
]

# --- Outcomes, minutes and actions
staff += [
    path(
        "staff/coproduction/sessions/<int:session_pk>/outcomes/add/",
        follow_up_views.OutcomeAddView.as_view(),
        name="outcome-add",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/outcomes/<int:agreed_outcome_pk>/remove/",
        follow_up_views.OutcomeRemoveView.as_view(),
        name="outcome-remove",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/comments/add/",
        follow_up_views.CommentAddView.as_view(),
        name="comment-add",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/minutes/", follow_up_views.MinutesView.as_view(), name="minutes"
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/minutes/approve/",
        follow_up_views.MinutesApproveView.as_view(),
        name="minutes-approve",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/actions/add/",
        follow_up_views.ActionAddView.as_view(),
        name="action-add",
    ),
    path("staff/coproduction/actions/", follow_up_views.ActionListView.as_view(), name="actions"),
    path("staff/coproduction/actions/<int:action_pk>/", follow_up_views.ActionDetailView.as_view(), name="action"),
    path(
        "staff/coproduction/actions/<int:action_pk>/change/",
        follow_up_views.ActionChangeView.as_view(),
        name="action-change",
    ),
    path(
        "staff/coproduction/actions/<int:action_pk>/update/",
        follow_up_views.ActionUpdateView.as_view(),
        name="action-update",
    ),
]

# --- Recognition: payments, vouchers and expenses -------------------------------------------------------
recognition = [
    path("staff/coproduction/recognition/", recognition_views.LedgerView.as_view(), name="recognition"),
    path(
        "staff/coproduction/recognition/finance.csv",
        recognition_views.FinanceCsvView.as_view(),
        name="recognition-csv",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/recognition/",
        recognition_views.SessionRecognitionView.as_view(),
        name="session-recognition",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/recognition/add/",
        recognition_views.RecognitionFormView.as_view(),
        name="recognition-add",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/recognition/<int:recognition_pk>/edit/",
        recognition_views.RecognitionFormView.as_view(),
        name="recognition-edit",
    ),
    path(
        "staff/coproduction/sessions/<int:session_pk>/recognition/<int:recognition_pk>/paid/",
        recognition_views.RecognitionPaidView.as_view(),
        name="recognition-paid",
    ),
]

# --- What the pages report ------------------------------------------------------------------------------
reports = [
    path("staff/coproduction/report/", report_views.ReportView.as_view(), name="report"),
    path("staff/coproduction/groups/<int:group_pk>/report/", report_views.ReportView.as_view(), name="group-report"),
]

urlpatterns = public + staff + recognition + reports
