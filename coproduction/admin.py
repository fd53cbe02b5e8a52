from django.contrib import admin

from .models import Membership, Participant, ParticipationGroup


@admin.register(ParticipationGroup)
class ParticipationGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "bench_level", "team", "closed_at"]
    list_filter = ["kind", "bench_level", "team"]
    search_fields = ["name"]


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ["full_name", "role", "organisation", "team"]
    list_filter = ["role", "team"]
    search_fields = ["full_name", "organisation"]
    raw_id_fields = ["user"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["participant", "group", "role", "starts_on", "ends_on"]
    list_filter = ["role"]
    raw_id_fields = ["participant", "group"]
