"""Co-production's part of a person's data: the participant record linked to their account, and
their memberships, invitations and replies, places on registers, actions they own and recognition.

Found by common.data_registry (see there). Deleting the account unlinks the participant record and
keeps it: the record is the council's (its team wrote it, often before the person had an account,
with the person's consent to be contacted), and registers, actions and recognition payments are the
council's records of its own work and spending, which it keeps for their own periods (the register
is anonymised by the retention job). The person can ask the team to erase the record itself.
"""

from datetime import date, datetime

from common.data_registry import when

from .models import Action, Invitation, Membership, Participant, Recognition, RegisterEntry


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def personal_data_for(user) -> dict:
    participant = Participant.objects.filter(user=user).first()
    if participant is None:
        return {"participant": None}
    return {
        "participant": {
            "full_name": participant.full_name,
            "role": participant.get_role_display(),
            "organisation": participant.organisation,
            "email": participant.email,
            "phone": participant.phone,
            "preferred_contact": participant.get_preferred_contact_display() if participant.preferred_contact else None,
            "reference": participant.reference,
            "age_band": participant.get_age_band_display() if participant.age_band else None,
            "access_needs": participant.access_needs,
            "consents_to_us_keeping_access_needs": participant.access_needs_consent,
            "review_access_needs_by": _day(participant.access_needs_review_on),
            "consents_to_be_contacted": participant.contact_consent,
            "consented_to_be_contacted_on": _day(participant.contact_consented_on),
            "recorded": when(participant.created_at),
        },
        "memberships": [
            {
                "group": membership.group.name,
                "role": membership.get_role_display(),
                "from": _day(membership.starts_on),
                "until": _day(membership.ends_on),
            }
            for membership in Membership.objects.filter(participant=participant)
            .select_related("group")
            .order_by("starts_on", "pk")
        ],
        "invitations": [
            {
                "session": invitation.session.title,
                "starts": when(invitation.session.starts_at),
                "invited": when(invitation.invited_at),
                "reply": invitation.get_reply_display() if invitation.reply else None,
                "replied": when(invitation.replied_at),
                "on_the_waiting_list_since": when(invitation.waiting_since),
                "arrangements_needed": [str(label) for label in invitation.arrangement_labels],
                "access_needs": invitation.access_needs,
            }
            for invitation in Invitation.objects.filter(participant=participant)
            .select_related("session")
            .order_by("session__starts_at", "pk")
        ],
        "registers": [
            {
                "session": entry.session.title,
                "starts": when(entry.session.starts_at),
                "attendance": entry.get_attendance_display(),
                "role_on_the_day": entry.get_role_display(),
                "walk_in": entry.walk_in,
            }
            for entry in RegisterEntry.objects.filter(participant=participant)
            .select_related("session")
            .order_by("session__starts_at", "pk")
        ],
        "actions_owned": [
            {
                "action": action.description,
                "due": _day(action.due_on),
                "status": action.get_status_display(),
                "from_session": action.source_session.title if action.source_session else None,
            }
            for action in Action.objects.filter(owner_participant=participant)
            .select_related("source_session")
            .order_by("due_on", "pk")
        ],
        "recognition": [
            {
                "session": recognition.session.title,
                "kind": recognition.get_kind_display(),
                "amount": str(recognition.amount),
                "answer": recognition.get_answer_display(),
                "voucher_code": recognition.voucher_code,
                "paid_on": _day(recognition.paid_on),
            }
            for recognition in Recognition.objects.filter(participant=participant)
            .select_related("session")
            .order_by("session__starts_at", "pk")
        ],
    }


def personal_data_erase(*, user, moment: datetime) -> dict[str, int]:
    """Unlink the participant record from the account; the team's record and registers stay."""
    return {"participants": Participant.objects.filter(user=user).update(user=None)}
