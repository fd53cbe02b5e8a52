from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .rights import new_rights_stamp


class Team(models.Model):
    """A council team or service, such as the Family Placement Team."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(_("what the team does"), blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserQuerySet(models.QuerySet):
    def with_email(self, email: str):
        return self.filter(email__iexact=email.strip())

    def unconfirmed_since(self, moment):
        """Participant registrations never confirmed, made before ``moment``."""
        return self.filter(
            is_active=False, email_confirmed_at__isnull=True, last_login__isnull=True, date_joined__lt=moment
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: participants, staff, managers, administrators. E-mail is the sign-in name."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    teams = models.ManyToManyField(Team, related_name="members", blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        _("can use the administration site"),
        default=False,
        help_text=_("Administrators only: the Django administration site."),
    )
    date_joined = models.DateTimeField(default=timezone.now)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # Drawn afresh whenever the user's roles, teams or permissions change (accounts.rights).
    rights_stamp = models.BigIntegerField(default=new_rights_stamp, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case")]
        permissions = [
            ("access_staff_area", "Can use the staff pages"),
            ("work_across_teams", "Can read and edit the work of every team"),
            ("approve_theme_reports", "Can annotate and approve theme reports"),
            ("administer_portal", "Can manage users, teams and settings"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
