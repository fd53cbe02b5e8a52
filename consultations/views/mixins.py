from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from common.views import StaffRequiredMixin

from .. import selectors, services
from ..models import Consultation, ConsultationStatus


class ConsultationStaffMixin(StaffRequiredMixin):
    """A staff page about the consultation in the URL (or, without a pk, about them all).

    Any staff role may read every team's consultations; ``changes_consultation`` pages also need
    edit permission on this one (the owning team, managers, administrators). Queries: the
    consultation (with its team and service area) and, for staff who do not work across teams,
    their teams once per request.
    """

    permission_required = ("accounts.access_staff_area", "consultations.read_consultation")
    changes_consultation = False
    permission_denied_message = gettext_lazy("Only the consultation's team or a manager can do this.")

    @cached_property
    def consultation(self) -> Consultation:
        return get_object_or_404(Consultation.objects.select_related("team", "service_area"), pk=self.kwargs["pk"])

    @cached_property
    def can_edit(self) -> bool:
        return self.request.user.has_perm("consultations.edit_consultation", self.consultation)

    def has_permission(self):
        if not super().has_permission():
            return False
        return not self.changes_consultation or self.can_edit

    def refused_change(self):
        """The overview, saying why, when the consultation can no longer be changed; else None."""
        try:
            services.ensure_not_withdrawn(self.consultation)
        except ValidationError as error:
            messages.error(self.request, error.messages[0])
            return redirect(self.overview_url())
        return None

    def overview_url(self, anchor: str = "") -> str:
        url = reverse("consultations:staff-overview", kwargs={"pk": self.consultation.pk})
        return f"{url}#{anchor}" if anchor else url

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "pk" in self.kwargs:
            context |= {
                "consultation": self.consultation,
                "can_edit": self.can_edit,
                "status": self.consultation.status_at(timezone.now()),
                "ConsultationStatus": ConsultationStatus,
            }
        return context

    def submitted_response(self, response_pk: int):
        """A submitted response of this consultation (a draft is still someone's to finish), else 404."""
        try:
            response = selectors.response_with_answers(response_pk=response_pk, consultation=self.consultation)
        except self.consultation.responses.model.DoesNotExist as missing:
            raise Http404 from missing
        if not response.is_submitted:
            raise Http404
        return response
