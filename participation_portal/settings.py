"""Settings for the SEND Participation Portal, read from the environment.

With no environment at all (apart from ``DJANGO_DEBUG=1``) the portal runs embedded: SQLite in the
project folder, Celery on a file-based transport, e-mail to the console. Every variable is listed
in README.md.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # embedded set-up's runtime files: queue folders, beat schedule, cache

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="django-insecure-development-only-never-use-in-production")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
else:
    # Production refuses to start rather than run with a guessable key or any Host header.
    for required in ("SECRET_KEY", "ALLOWED_HOSTS"):
        if not env.str(required, default=""):
            raise ImproperlyConfigured(f"Set the {required} environment variable (DJANGO_DEBUG is off).")
    SECRET_KEY = env("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Before crispy_forms_gds: the portal's own copies of its GOV.UK templates take precedence.
    "common",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "auditlog",
    "rules.apps.AutodiscoverRulesConfig",
    "participation_portal",
    "accounts",
    "notifications",
    "consultations",
    "coproduction",
    "feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the Permissions-Policy header too.
    "common.middleware.PrivacyHeadersMiddleware",
    # An oversized body is refused on its headers, before anything below reads it.
    "common.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # After the user is known, so the "not found" page is the site's own.
    "common.middleware.NulInPathMiddleware",
    # After authentication: every audit log entry written during a request names who made it.
    "auditlog.middleware.AuditlogMiddleware",
    "accounts.middleware.StaffAreaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks, so it sees the outcome of every sign-in attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "participation_portal.urls"
WSGI_APPLICATION = "participation_portal.wsgi.application"

# No "loaders" option, on purpose: Django then wraps the filesystem and app-directory loaders in its
# cached loader, so each template is read and compiled once per process (checked by
# test_settings.test_production_caches_compiled_templates). Listing loaders here would turn that off.
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "participation_portal.context_processors.portal",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded set-up has a web server, a worker and beat writing to one file: wait for
    # locks rather than fail, and take the write lock up front so transactions never deadlock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate-limit counters (sign-in attempts among them) and the public lists visitors share for a minute
# (common.cache.shared_with_visitors) need a cache every process shares: Redis in production, a
# folder on disk in the embedded set-up.
CACHES = {"default": env.cache("CACHE_URL", default=f"filecache://{VAR_DIR / 'cache'}")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Redis down must not mean registration and sign-in down: the counters are skipped (limits
    # fail open, see common/cache.py), the outage is logged, and /healthz names the cache.
    CACHES["default"]["BACKEND"] = "common.cache.FailOpenRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 1, "socket_timeout": 1})
RATELIMIT_FAIL_OPEN = True
# Drawings of page parts that follow from a few values alone (a session's details, an empty form, a
# page of the hub under the reading visitors share), kept in each process for {% drawn_once ...
# using="drawings" %}: nothing leaves the process, and a release starts with none, so a changed
# template is never served from an old drawing. The largest, a page of the hub, is about 70 KB, so
# 1,000 entries bound a process's drawings to some 70 MB whatever a crawler asks for.
CACHES["drawings"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "drawings",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
# Each signed-in user's roles, teams and permissions, kept in each process under a stamp on the user
# row that any change to them redraws (accounts.rights): correct without being shared.
CACHES["rights"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "rights",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

# --- Accounts and security ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.PortalModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day
ACCOUNT_CONFIRMATION_DAYS = env.int("ACCOUNT_CONFIRMATION_DAYS", default=3)

REQUIRE_STAFF_2FA = env.bool("REQUIRE_STAFF_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("SERVICE_NAME", default="SEND Participation Portal")

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field name, though users sign in with e-mail
AXES_RESET_ON_SUCCESS = True
# Axes masks the address typed in its own log lines (AXES_SENSITIVE_PARAMETERS); accounts.sign_in_log
# logs each sign-in and failure with the user id or a keyed hash of the address instead.
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# How many proxies (nginx, a load balancer) stand in front of gunicorn, each appending to
# X-Forwarded-For. The sign-in lock-out and every rate limit read the client's address the same way
# (common.views.request_client_address), so a client cannot choose it. AXES_PROXY_COUNT is the
# earlier name of the same setting.
PROXY_COUNT = env.int("PROXY_COUNT", default=env.int("AXES_PROXY_COUNT", default=0))
AXES_CLIENT_IP_CALLABLE = "common.views.request_client_address"

RATELIMIT_VIEW = "participation_portal.views.rate_limited"
ANONYMOUS_FORM_RATE = env.str("ANONYMOUS_FORM_RATE", default="20/h")
# Sign-in attempts from one address across all accounts (password spraying); axes locks each account.
SIGN_IN_ADDRESS_RATE = env.str("SIGN_IN_ADDRESS_RATE", default="30/h")
# Responses: starting one makes a draft, so few are allowed (a script opened 300 in 6 s); the
# pages of a response are many and must never stop a person answering.
RESPONSE_START_RATE = env.str("RESPONSE_START_RATE", default="30/h")
RESPONSE_PAGE_RATE = env.str("RESPONSE_PAGE_RATE", default="600/h")

# Sessions are kept in the database and read through the shared cache: each page of a response
# reads its session without a query, and a cache outage only means reading it from the database.
# common.sessions is Django's cached_db store, without a query asking whether a new key is free.
SESSION_ENGINE = "common.sessions"
SESSION_COOKIE_HTTPONLY = True
# Eight hours unused: respond pages renew the session on every page (common.kept_answers), and the
# start page tells people the limit.
SESSION_COOKIE_AGE = 60 * 60 * 8
# The CSRF token lives in its own long-lived cookie, not the session, so a long answer typed by
# someone whose session expired still posts.
CSRF_USE_SESSIONS = False
CSRF_COOKIE_HTTPONLY = True
# A refused post to a page that keeps answers shows them again to send; see common/kept_answers.py.
CSRF_FAILURE_VIEW = "common.kept_answers.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Pages that show personal data are never kept by a browser or proxy (common.middleware): the
# staff area, accounts, administration, and a response in progress (answers, e-mail address).
NO_STORE_PATHS = [r"^/staff/", r"^/account/", r"^/admin/", r"^/consultations/[^/]+/(respond|resume)/"]

# Request sizes. Public forms carry text: Django keeps at most DATA_UPLOAD_MAX_MEMORY_SIZE of
# form data in memory, and common.middleware refuses any larger body on its Content-Length, before
# reading it. Staff upload documents of up to 20 MB, so staff and administration paths allow more;
# an upload over FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary file, not memory. The proxy in front
# (README) holds a slow body until it is complete and refuses one over UPLOAD_BODY_MAX_BYTES itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
REQUEST_BODY_MAX_BYTES = DATA_UPLOAD_MAX_MEMORY_SIZE
UPLOAD_BODY_MAX_BYTES = 25 * 1024 * 1024
UPLOAD_PATHS = [r"^/staff/", r"^/admin/"]

if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        # Only behind a proxy that sets this header itself; otherwise a client could forge it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Language, time, static files ---------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds to wait on each step of talking to the mail server. Without it a server that accepts the
# connection and never answers holds a worker until Celery's time limit kills it.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="SEND Participation Portal <participation@example.gov.uk>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")  # for links in e-mails
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETENTION_DAYS = env.int("OUTBOX_RETENTION_DAYS", default=90)
# How long a worker's claim on a message lasts before another may send it. Longer than any send
# can take: each step of an SMTP conversation may wait EMAIL_TIMEOUT, and rendering comes first.
# Shorter only in tests that kill workers.
OUTBOX_CLAIM_LEASE_SECONDS = env.int("OUTBOX_CLAIM_LEASE_SECONDS", default=max(5 * 60, 10 * EMAIL_TIMEOUT))

# --- Audit log (django-auditlog) ------------------------------------------------------------------
# Who viewed or changed personal data (accounts and respondents' contact details), for administrators.
# No address is kept: auditlog would read it from X-Forwarded-For as the client sent it, and
# the portal's other logs keep no addresses either. E-mail addresses are masked whole in the
# entries, so the log is not a second copy of the contact details that retention deletes.
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_MASK_CALLABLE = "accounts.audit.address_mask"
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=730)

# The share of parent carers and young people below which a co-production session is warned about.
# No national rule sets it, so each council chooses; a fraction such as 0.33 or 1/3.
COPRODUCTION_MEANINGFUL_SHARE = env.float("COPRODUCTION_MEANINGFUL_SHARE", default=1 / 3)
# How many days before a session its invitees who said yes or maybe are reminded.
COPRODUCTION_REMINDER_DAYS = env.int("COPRODUCTION_REMINDER_DAYS", default=2)
# Replies to invitations one IP address may post: a family answering on one phone never meets it.
COPRODUCTION_RSVP_RATE = env.str("COPRODUCTION_RSVP_RATE", default="60/h")
# Days after a session ends that the access needs people wrote on their invitations are kept (for
# anything the team must follow up), before they are cleared. What they asked for from the offered
# arrangements stays, counted on the session.
COPRODUCTION_ACCESS_NEEDS_RETENTION_DAYS = env.int("COPRODUCTION_ACCESS_NEEDS_RETENTION_DAYS", default=30)
# Days after a session ends that its register names people; then each entry is anonymised (the role
# on the day and attendance stay, so reports count the same). Three years covers this year's and the
# two previous years' reports.
COPRODUCTION_REGISTER_RETENTION_DAYS = env.int("COPRODUCTION_REGISTER_RETENTION_DAYS", default=1095)

# Closed-case feedback: how long a letter's code works; the children's age bands that get a code of
# their own; how often one address may try a code, and how often one code may be tried from anywhere.
FEEDBACK_CODE_VALID_DAYS = env.int("FEEDBACK_CODE_VALID_DAYS", default=183)
# A family's contact details are kept this long after their case closed: past the codes' six months
# and the quarter's calls, with room for a late reply. The case and its feedback stay.
FEEDBACK_CASE_CONTACT_RETENTION_DAYS = env.int("FEEDBACK_CASE_CONTACT_RETENTION_DAYS", default=365)
FEEDBACK_CHILD_AGE_BANDS = env.list("FEEDBACK_CHILD_AGE_BANDS", default=["11_15", "16_17", "18_25"])
FEEDBACK_CODE_ADDRESS_RATE = env.str("FEEDBACK_CODE_ADDRESS_RATE", default="20/h")
FEEDBACK_CODE_TRIES_RATE = env.str("FEEDBACK_CODE_TRIES_RATE", default="10/h")
# The daily letters go to cases closed within this many days (older ones were before the portal).
FEEDBACK_LETTER_WITHIN_DAYS = env.int("FEEDBACK_LETTER_WITHIN_DAYS", default=60)
# The quarterly telephone sample, per team: a percentage of the quarter's closed cases with no
# feedback, at least the minimum and at most the maximum; calls due this many days after the draw.
FEEDBACK_SAMPLE_PERCENT = env.float("FEEDBACK_SAMPLE_PERCENT", default=10.0)
FEEDBACK_SAMPLE_MIN = env.int("FEEDBACK_SAMPLE_MIN", default=3)
FEEDBACK_SAMPLE_MAX = env.int("FEEDBACK_SAMPLE_MAX", default=30)
FEEDBACK_CALL_DUE_DAYS = env.int("FEEDBACK_CALL_DUE_DAYS", default=21)

# Theme reports: the months the report periods start in (by default the financial half-years,
# April-September and October-March), and how long a worker may take to build one before another
# takes it over.
THEME_REPORT_PERIOD_START_MONTHS = tuple(
    sorted(env.list("THEME_REPORT_PERIOD_START_MONTHS", cast=int, default=[4, 10]))
)
THEME_REPORT_BUILD_LEASE_SECONDS = env.int("THEME_REPORT_BUILD_LEASE_SECONDS", default=15 * 60)

# --- Celery --------------------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_EMBEDDED_QUEUE_DIR = VAR_DIR / "celery"
if CELERY_BROKER_URL == "filesystem://":
    # The embedded transport: queue files in a folder every local process shares.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_EMBEDDED_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_EMBEDDED_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_EMBEDDED_QUEUE_DIR / "control"),
    }
else:
    # A task unacknowledged for this long is handed to another worker; every time limit below
    # is shorter, so a task is never running twice because the broker gave up waiting.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TASK_SOFT_TIME_LIMIT = 10 * 60
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_BEAT_SCHEDULE_FILENAME = str(env.path("CELERY_BEAT_SCHEDULE_FILENAME", default=VAR_DIR / "celerybeat-schedule"))
# Tests may run tasks in the calling process; never in production.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Logs never hold what people wrote or their contact details, even at DEBUG; see common/log_filters.py.
    "filters": {"without_template_context": {"()": "common.log_filters.WithoutTemplateContext"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint reports each step of each PDF at INFO; only its problems matter.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "django.template": {"filters": ["without_template_context"]},
    },
}

# --- Consultations ---------------------------------------------------------------------------------
SAFEGUARDING_OFFICER_EMAIL = env.str("SAFEGUARDING_OFFICER_EMAIL", default="safeguarding@example.gov.uk")
CONSULTATION_DRAFT_RETENTION_DAYS = env.int("CONSULTATION_DRAFT_RETENTION_DAYS", default=30)
CONSULTATION_CONTACT_RETENTION_DAYS = env.int("CONSULTATION_CONTACT_RETENTION_DAYS", default=365)

# --- Feedback: themes and suggestions --------------------------------------------------------------
# A suggested theme is shown to a coder only at or above this confidence (0 to 1); every suggestion
# is kept with its confidence, so changing this changes what is shown at once.
FEEDBACK_SUGGESTION_MIN_CONFIDENCE = env.float("FEEDBACK_SUGGESTION_MIN_CONFIDENCE", default=0.5)
