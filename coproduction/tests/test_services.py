"""The rules of groups, participants, memberships and the CSV import, called directly."""

from datetime import UTC, date, datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from coproduction import services
from coproduction.models import (
    AgeBand,
    BenchLevel,
    GroupKind,
    Membership,
    MembershipRole,
    Participant,
    ParticipantRole,
    ParticipationGroup,
)

from .conftest import codes
from .factories import MembershipFactory, ParticipantFactory

NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)


# --- Groups ---


def test_staff_create_a_group_for_their_own_team(staff, team):
    group = services.group_save(
        group=ParticipationGroup(
            name=" Youth voice ", kind=GroupKind.YOUTH_FORUM, purpose="x", bench_level=BenchLevel.SERVICE, team=team
        ),
        user=staff,
    )
    assert group.pk and group.name == "Youth voice"


def test_staff_cannot_create_a_group_for_another_team(staff, other_team):
    with pytest.raises(ValidationError) as error:
        services.group_save(
            group=ParticipationGroup(
                name="A", kind=GroupKind.YOUTH_FORUM, purpose="x", bench_level=BenchLevel.SERVICE, team=other_team
            ),
            user=staff,
        )
    assert codes(error.value) == {"not_your_team"}


def test_a_team_has_one_group_of_each_name(staff, group, team):
    with pytest.raises(ValidationError) as error:
        services.group_save(
            group=ParticipationGroup(
                name="SHORT BREAKS FORUM", kind=GroupKind.YOUTH_FORUM, purpose="x", bench_level="service", team=team
            ),
            user=staff,
        )
    assert codes(error.value) == {"name_taken"}


def test_only_the_owning_team_or_a_manager_changes_a_group(other_staff, manager, group):
    group.purpose = "Changed"
    with pytest.raises(ValidationError) as error:
        services.group_save(group=group, user=other_staff)
    assert codes(error.value) == {"not_permitted"}
    assert services.group_save(group=group, user=manager).purpose == "Changed"


def test_closing_a_group_ends_open_memberships_once(staff, group):
    open_one = MembershipFactory(group=group, starts_on=date(2026, 1, 1))
    later = MembershipFactory(group=group, starts_on=date(2026, 4, 1))
    ending_later = MembershipFactory(group=group, starts_on=date(2026, 1, 1), ends_on=date(2026, 6, 1))
    services.group_close(group=group, user=staff, moment=NOW)
    group.refresh_from_db()
    assert group.closed_at == NOW
    open_one.refresh_from_db()
    ending_later.refresh_from_db()
    assert open_one.ends_on == TODAY and ending_later.ends_on == TODAY
    assert not Membership.objects.filter(pk=later.pk).exists()
    again = services.group_close(group=group, user=staff, moment=datetime(2026, 5, 1, tzinfo=UTC))
    assert again.closed_at == NOW


def test_a_closed_group_cannot_be_changed_or_joined(staff, group):
    services.group_close(group=group, user=staff, moment=NOW)
    group.refresh_from_db()
    group.name = "New name"
    with pytest.raises(ValidationError) as error:
        services.group_save(group=group, user=staff)
    assert codes(error.value) == {"closed"}
    with pytest.raises(ValidationError) as error:
        services.membership_add(
            group=group, participant=ParticipantFactory(team=group.team), role="member", starts_on=TODAY, user=staff
        )
    assert codes(error.value) == {"closed"}


# --- Participants ---


def new_participant(team, **kwargs):
    values = {
        "full_name": "Alex Morgan",
        "role": ParticipantRole.PARENT_CARER,
        "email": "Alex@Example.com",
        "team": team,
    }
    return Participant(**(values | kwargs))


def test_a_participant_is_saved_with_a_dated_consent(staff, team):
    participant = services.participant_save(
        participant=new_participant(team, contact_consent=True), user=staff, moment=NOW
    )
    assert participant.email == "alex@example.com"
    assert participant.contact_consented_on == TODAY


def test_access_needs_are_kept_only_with_consent(staff, team):
    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=new_participant(team, access_needs="BSL"), user=staff, moment=NOW)
    assert codes(error.value) == {"access_needs_without_consent"}


def test_an_age_band_is_only_for_young_people(staff, team):
    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=new_participant(team, age_band=AgeBand.AGE_16_17), user=staff, moment=NOW)
    assert codes(error.value) == {"age_band_not_young_person"}
    young = new_participant(team, role=ParticipantRole.YOUNG_PERSON, age_band=AgeBand.AGE_16_17)
    assert services.participant_save(participant=young, user=staff, moment=NOW).pk


def test_two_participants_cannot_share_an_email_address(staff, team):
    ParticipantFactory(email="alex@example.com", team=team)
    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=new_participant(team), user=staff, moment=NOW)
    assert codes(error.value) == {"email_taken"}


def test_the_database_refuses_an_age_band_for_an_adult(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipantFactory(team=team, age_band=AgeBand.AGE_11_15)


def test_details_are_for_teams_that_work_with_the_person(staff, other_staff, manager, team, other_team, group):
    person = ParticipantFactory(team=other_team)
    assert not staff.has_perm("coproduction.view_participant_details", person)
    assert other_staff.has_perm("coproduction.view_participant_details", person)
    assert manager.has_perm("coproduction.view_participant_details", person)
    MembershipFactory(participant=person, group=group)
    assert staff.has_perm("coproduction.view_participant_details", person)


def test_viewing_details_is_logged_and_refused_to_others(staff, other_staff, team):
    person = ParticipantFactory(team=team)
    services.participant_details_view(participant=person, viewer=staff, moment=NOW)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == staff and entry.object_pk == str(person.pk) and person.email not in entry.object_repr
    with pytest.raises(ValidationError):
        services.participant_details_view(participant=person, viewer=other_staff, moment=NOW)
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 1


def test_another_team_cannot_change_a_person(other_staff, team):
    person = ParticipantFactory(team=team)
    person.full_name = "Changed"
    with pytest.raises(ValidationError) as error:
        services.participant_save(participant=person, user=other_staff, moment=NOW)
    assert codes(error.value) == {"not_permitted"}


# --- Memberships ---


def test_a_person_is_in_a_group_once_at_a_time(staff, group):
    person = ParticipantFactory(team=group.team)
    services.membership_add(group=group, participant=person, role=MembershipRole.CHAIR, starts_on=TODAY, user=staff)
    with pytest.raises(ValidationError) as error:
        services.membership_add(group=group, participant=person, role="member", starts_on=date(2026, 5, 1), user=staff)
    assert codes(error.value) == {"already_member"}


def test_a_membership_ends_once_and_not_before_it_began(staff, group):
    membership = MembershipFactory(group=group, starts_on=TODAY)
    with pytest.raises(ValidationError) as error:
        services.membership_end(membership=membership, ends_on=date(2026, 3, 9), user=staff)
    assert codes(error.value) == {"before_start"}
    services.membership_end(membership=membership, ends_on=TODAY, user=staff)
    with pytest.raises(ValidationError) as error:
        services.membership_end(membership=membership, ends_on=date(2026, 4, 1), user=staff)
    assert codes(error.value) == {"already_ended"}
    person = membership.participant
    rejoined = services.membership_add(
        group=group, participant=person, role="member", starts_on=date(2026, 4, 1), user=staff
    )
    assert rejoined.pk


def test_staff_add_only_people_their_team_works_with(staff, group, other_team):
    stranger = ParticipantFactory(team=other_team)
    with pytest.raises(ValidationError) as error:
        services.membership_add(group=group, participant=stranger, role="member", starts_on=TODAY, user=staff)
    assert codes(error.value) == {"not_permitted"}


def test_the_database_refuses_two_open_memberships(group):
    membership = MembershipFactory(group=group)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(group=group, participant=membership.participant, starts_on=date(2026, 2, 1))


# --- CSV import ---

HEADER = "full_name,role,email,reference,phone,preferred_contact,age_band,access_needs,access_needs_consent,contact_consent,group_role\n"  # noqa: E501


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode()


GOOD = [
    "Alex Morgan,parent carer,alex@example.com,,,email,,,no,yes,chair",
    "Jordan Lee,Young person,,YF-1,07700 900456,text,16 to 17,Written agendas,yes,yes,",
]


def test_import_creates_participants_and_members(staff, team, group):
    result = services.participants_import(data=csv_bytes(*GOOD), team=None, group=group, user=staff, moment=NOW)
    assert (result.created, result.updated, result.joined) == (2, 0, 2)
    jordan = Participant.objects.get(reference="YF-1")
    assert jordan.age_band == AgeBand.AGE_16_17 and jordan.access_needs_consent and jordan.team == team
    assert jordan.contact_consented_on == TODAY
    assert group.memberships.get(participant__email="alex@example.com").role == MembershipRole.CHAIR


def test_a_reimported_row_updates_and_never_duplicates(staff, team, group):
    services.participants_import(data=csv_bytes(*GOOD), team=team, group=group, user=staff, moment=NOW)
    changed = GOOD[0].replace("Alex Morgan", "Alex Morgan-Smith").replace("alex@", "ALEX@")
    result = services.participants_import(
        data=csv_bytes(changed, GOOD[1]), team=team, group=group, user=staff, moment=NOW
    )
    assert (result.created, result.updated, result.joined) == (0, 2, 0)
    assert Participant.objects.count() == 2
    assert Participant.objects.get(email="alex@example.com").full_name == "Alex Morgan-Smith"
    assert group.memberships.count() == 2


def test_a_file_with_a_bad_row_is_refused_whole_naming_each_line(staff, team, group):
    rows = [GOOD[0], "Sam,wizard,sam@example.com,,,,,,no,no,", GOOD[1], "No Key,parent carer,,,,phone,,,no,no,"]
    with pytest.raises(ValidationError) as error:
        services.participants_import(data=csv_bytes(*rows), team=team, group=group, user=staff, moment=NOW)
    messages = error.value.messages
    assert len(messages) == 2
    assert messages[0].startswith("Line 3: the role must be")
    assert messages[1].startswith("Line 5: give an email address or a reference")
    assert not Participant.objects.exists() and not Membership.objects.exists()


def test_a_row_repeating_a_person_is_named(staff, team):
    with pytest.raises(ValidationError) as error:
        services.participants_import(data=csv_bytes(GOOD[0], GOOD[0]), team=team, user=staff, moment=NOW)
    assert error.value.messages == ["Line 3: repeats a person already on line 2"]


def test_line_numbers_count_lines_inside_quoted_text(staff, team):
    rows = ['Ann,parent carer,ann@example.com,,,,,"Needs\nlarge print",yes,no,', "Bo,wizard,bo@example.com,,,,,,no,no,"]
    with pytest.raises(ValidationError) as error:
        services.participants_import(data=csv_bytes(*rows), team=team, user=staff, moment=NOW)
    assert error.value.messages[0].startswith("Line 4:")


def test_a_file_with_unknown_columns_is_refused(staff, team):
    with pytest.raises(ValidationError) as error:
        services.participants_import(data=b"full_name,role,emial\nA,parent carer,a@example.com\n", team=team,
                                     user=staff, moment=NOW)  # fmt: skip
    assert "emial" in error.value.messages[0]


def test_another_teams_person_is_not_updated_by_import(staff, other_team, team):
    ParticipantFactory(team=other_team, email="alex@example.com")
    with pytest.raises(ValidationError) as error:
        services.participants_import(data=csv_bytes(GOOD[0]), team=team, user=staff, moment=NOW)
    assert "another team" in error.value.messages[0]


def test_the_template_is_a_file_the_import_accepts(staff, team):
    data = services.import_template_csv().encode()
    assert services.participants_import(data=data, team=team, user=staff, moment=NOW).created == 2


def test_a_spreadsheet_saved_in_windows_encoding_with_nul_padding_is_read(staff, team):
    data = "full_name,role,email\r\nZoë Ní Bhriain,parent carer,zoe@example.com\x00\r\n".encode("cp1252")
    services.participants_import(data=data, team=team, user=staff, moment=NOW)
    assert Participant.objects.get().full_name == "Zoë Ní Bhriain"
