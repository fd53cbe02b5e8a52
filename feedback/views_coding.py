"""Staff pages for coding feedback with themes (/staff/feedback/): the inbox with its filters and bulk
coding, one item with its suggestions and history, the theme list, and the agreement measures.

Every staff role reads and codes every team's feedback (rules.py). Items about child protection
are shown with a red tag; items whose closed-case feedback is flagged for safeguarding and not yet
handled are kept out of the queue (and refused by coding.py) until the designated officer or a
manager handles the flag (views.FlagListView). Every write goes through coding.py, which records who
changed what and when.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import generic

from common.pagination import page_links
from common.views import StaffRequiredMixin

from . import agreement, coding
from .forms import AgreementForm, BulkCodeForm, InboxFilterForm, SuggestionAcceptForm, ThemeCodingForm
from .models import Coding, CodingChange, FeedbackItem, Polarity, Suggestion, Theme

ITEMS_PER_PAGE = 20
THEMES_PER_PAGE = 50
CHANGES_SHOWN = 20


class FeedbackStaffMixin(StaffRequiredMixin):
    permission_required = ("accounts.access_staff_area", "feedback.read_feedback", "feedback.code_feedback")
    permission_denied_message = gettext_lazy("Only staff can code feedback.")


def items_with_coding(items):
    """Items with their team, area, codings and the suggestions a coder sees: one query each."""
    return items.select_related("team", "service_area", "case_feedback").prefetch_related(
        Prefetch("codings", queryset=Coding.objects.select_related("theme", "coded_by")),
        Prefetch(
            "suggestions",
            queryset=Suggestion.objects.filter(
                confidence__gte=settings.FEEDBACK_SUGGESTION_MIN_CONFIDENCE, theme__active=True
            ).select_related("theme"),
            to_attr="shown_suggestions",
        ),
    )


def open_suggestions(item) -> list[Suggestion]:
    """The item's suggestions above the setting, leaving out themes it is coded with already."""
    coded = {c.theme_id for c in item.codings.all()}
    return [s for s in item.shown_suggestions if s.theme_id not in coded]


class InboxView(FeedbackStaffMixin, generic.TemplateView):
    """Feedback from every source, newest first, 20 a page; filters by GET, bulk coding by POST to
    the same address, so the filters stay as they were."""

    template_name = "feedback/staff/inbox.html"

    @cached_property
    def filter_form(self):
        return InboxFilterForm(self.request.GET or None)

    def get_context_data(self, bulk_form=None, **kwargs):
        items = self.filter_form.filter(items_with_coding(FeedbackItem.objects.in_coding_queue()))
        page = Paginator(items, ITEMS_PER_PAGE).get_page(self.request.GET.get("page"))
        for item in page.object_list:
            item.open_suggestions = open_suggestions(item)
        bulk_form = bulk_form or BulkCodeForm()
        selected = {str(pk) for pk in bulk_form.data.getlist("items")} if bulk_form.is_bound else set()
        return super().get_context_data(**kwargs) | {
            "filter_form": self.filter_form,
            "form": bulk_form,
            "selected": selected,
            "is_filtered": self.filter_form.is_filtered,
            "page_obj": page,
            "items": page.object_list,
            "page_links": page_links(page),
        }

    def post(self, request, *args, **kwargs):
        form = BulkCodeForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(bulk_form=form))
        data = form.cleaned_data
        try:
            changed = coding.codings_bulk_apply(
                items=data["items"],
                theme=data["theme"],
                polarity=data["polarity"],
                coder=request.user,
                moment=timezone.now(),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_to_response(self.get_context_data(bulk_form=form))
        messages.success(
            request,
            _("Coded %(count)s items as %(theme)s (%(polarity)s).")
            % {"count": changed, "theme": data["theme"], "polarity": Polarity(data["polarity"]).label},
        )
        return HttpResponseRedirect(request.get_full_path())


class ItemMixin(FeedbackStaffMixin):
    @cached_property
    def item(self) -> FeedbackItem:
        return get_object_or_404(items_with_coding(FeedbackItem.objects.all()), pk=self.kwargs["feedback_item_pk"])

    def item_url(self) -> str:
        return reverse("feedback:item", kwargs={"feedback_item_pk": self.item.pk})


class ItemView(ItemMixin, generic.FormView):
    """One item: what was said, where from, its coding and suggestions; code it with a theme."""

    template_name = "feedback/staff/item.html"
    form_class = ThemeCodingForm

    def get_context_data(self, **kwargs):
        suggestions = open_suggestions(self.item)
        for suggestion in suggestions:
            suggestion.form = SuggestionAcceptForm(prefix=f"s{suggestion.pk}")
        changes = CodingChange.objects.filter(item=self.item).select_related("theme", "changed_by")[:CHANGES_SHOWN]
        return super().get_context_data(**kwargs) | {
            "item": self.item,
            "suggestions": suggestions,
            "changes": changes,
        }

    def form_valid(self, form):
        try:
            done = coding.coding_apply(
                item=self.item,
                theme=form.cleaned_data["theme"],
                polarity=form.cleaned_data["polarity"],
                coder=self.request.user,
                moment=timezone.now(),
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Coded as %(coding)s.") % {"coding": done})
        return redirect(self.item_url())


class SuggestionAcceptView(ItemMixin, generic.View):
    """Take up a suggestion with the polarity chosen: a coding by the person who takes it up."""

    def get(self, request, *args, **kwargs):
        return redirect(self.item_url())

    def post(self, request, *args, **kwargs):
        suggestion = get_object_or_404(
            Suggestion.objects.select_related("theme", "item"), item=self.item, pk=self.kwargs["suggestion_pk"]
        )
        form = SuggestionAcceptForm(request.POST, prefix=f"s{suggestion.pk}")
        if not form.is_valid():
            messages.error(request, form.errors["polarity"][0])
            return redirect(self.item_url())
        try:
            done = coding.suggestion_accept(
                suggestion=suggestion, polarity=form.cleaned_data["polarity"], coder=request.user, moment=timezone.now()
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(self.item_url())
        messages.success(request, _("Coded as %(coding)s.") % {"coding": done})
        return redirect(self.item_url())


class CodingRemoveView(ItemMixin, generic.View):
    def get(self, request, *args, **kwargs):
        return redirect(self.item_url())

    def post(self, request, *args, **kwargs):
        found = get_object_or_404(Coding.objects.select_related("theme"), item=self.item, pk=self.kwargs["coding_pk"])
        try:
            coding.coding_remove(coding=found, remover=request.user, moment=timezone.now())
        except PermissionDenied:
            messages.error(request, _("Only the person who coded this, or a manager, can remove it."))
            return redirect(self.item_url())
        messages.success(request, _("Removed %(coding)s.") % {"coding": found})
        return redirect(self.item_url())


class ThemeListView(FeedbackStaffMixin, generic.ListView):
    """The taxonomy as coders see it, with how often each theme is used; administrators change it in
    the administration site."""

    template_name = "feedback/staff/themes.html"
    context_object_name = "themes"
    paginate_by = THEMES_PER_PAGE

    def get_queryset(self):
        return Theme.objects.select_related("service_area").annotate(coded=Count("codings")).order_by("-active", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_links"] = page_links(context["page_obj"])
        return context


class AgreementView(FeedbackStaffMixin, generic.TemplateView):
    """How often suggestions matched people's coding, and how far two coders agreed, since a date."""

    template_name = "feedback/staff/agreement.html"

    def get_context_data(self, **kwargs):
        # Unless asked otherwise: since the half-year began, which the last report covered up to.
        form = AgreementForm(
            self.request.GET or None, initial={"since": agreement.half_year_start(timezone.localdate())}
        )
        context = {"form": form if form.is_bound else None, "agreement_form": form}
        if form.is_bound and form.is_valid():
            since = form.cleaned_data["since"]
            context["suggestions"] = agreement.suggestion_agreement(since=since)
            context["coders"] = agreement.coder_agreement(since=since)
        return super().get_context_data(**kwargs) | context
