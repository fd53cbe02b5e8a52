"""Demo teams and users, for development and demonstrations only (see the load_demo command)."""

from dataclasses import dataclass
from datetime import datetime

from .models import Team, User
from .roles import Role
from .services import role_assign


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    password: str
    team_slugs: tuple[str, ...] = ()


DEMO_TEAMS = [
    ("send-services", "SEND Services", "Assessment, EHC plans and the Local Offer."),
    ("family-placement", "Family Placement Team", "Fostering and adoption support."),
    ("children-with-disabilities", "Children with Disabilities Team", "Social work for disabled children."),
    ("participation", "Participation Team", "Runs the parent carer forum link and youth forum."),
]

DEMO_USERS = [
    DemoUser(
        "staff@example.gov.uk", "Sam Patel", Role.STAFF, "demo-staff-password", ("send-services", "participation")
    ),
    DemoUser("manager@example.gov.uk", "Morgan Reid", Role.MANAGER, "demo-manager-password", ("send-services",)),
    DemoUser("admin@example.gov.uk", "Alex Okafor", Role.ADMINISTRATOR, "demo-admin-password", ("participation",)),
    DemoUser("parent@example.com", "Jo Williams", Role.PARTICIPANT, "demo-parent-password"),
]


def demo_load(*, moment: datetime) -> None:
    for slug, name, description in DEMO_TEAMS:
        Team.objects.update_or_create(slug=slug, defaults={"name": name, "description": description})
    for demo in DEMO_USERS:
        user = User.objects.with_email(demo.email).first()
        if user is None:
            user = User.objects.create_user(
                email=demo.email, password=demo.password, full_name=demo.full_name, email_confirmed_at=moment
            )
        role_assign(user=user, role=demo.role)
        user.teams.set(Team.objects.filter(slug__in=demo.team_slugs))
