"""Settings for the social-work talent system.

One module, configured by environment variables. Every variable is read through
the small helpers below, which fail loudly on a value they cannot parse.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.strip().lower() in _TRUE:
        return True
    if value.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# Without a key and with debug off the key stays empty: management commands
# that need none (migrate, makemigrations, collectstatic) still run, while the
# web application refuses to start (config/startup.py) and Django refuses any
# use of the empty key.
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 -- DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# The absolute address of the site, used where a link leaves the browser
# (emails, the QR code on a certificate).
SITE_BASE_URL = env_str("SITE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The committee's name, in page titles, the admin, emails and certificates.
# Unset, it is the reference committee's, in the reader's language.
SITE_NAME = env_str("SITE_NAME") or _("Daqing Social Work Committee")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "import_export",
    "auditlog",
    "django_tasks",
    "config.tasks_app.TasksDatabaseConfig",  # django_tasks_db, its name translated
    # The project's apps, in their order (README, "Architecture"): each may
    # import only the apps above it in this list; reports and audit sit on top.
    "rosters",
    "talent",
    "notifications",
    "training",
    "placements",
    "certificates",
    "research",
    "audit",
    "reports",
    "config",  # project-wide commands (seed_demo)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "talent.mfa.AdministratorMFAMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "django.template.context_processors.i18n",
                "config.context_processors.site",
                "notifications.context_processors.unread",
            ],
        },
    },
]
FORM_RENDERER = "config.forms.SiteFormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: pages run short statements that the planner costs high (a
    # coordinator's scope as OR-ed subplans), and PostgreSQL spent 35-40 ms
    # compiling each to run it in under 1 ms (EXPLAIN ANALYZE at 1.5 million
    # practitioners, 2026-12). Long reports lose little without it.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A cache shared by every web worker, never a per-process one: rate limits
# (allauth's, the verify page's) must count across them.
# Redis when REDIS_URL is set; otherwise the database, whose table the
# certificates app's migrations create (config/cache.py counts exactly).
if redis_url := env_str("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
else:
    # Django's default of 300 entries would cull (a third of the table at a
    # time, counts of rate limits included) once 300 people scan a check-in
    # code within a minute, each with a count of their own.
    CACHES = {
        "default": {
            "BACKEND": "config.cache.DatabaseCache",
            "LOCATION": "django_cache",
            "OPTIONS": {"MAX_ENTRIES": env_int("DATABASE_CACHE_MAX_ENTRIES", 100_000)},
        }
    }

# How many reverse proxies of ours stand in front of the web server: the
# client's address is read from X-Forwarded-For through that many, and the
# header is ignored with 0 (talent/clients.py).
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more")

AUTH_USER_MODEL = "talent.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: people sign in with their email address or their mobile
# number, with their password or a one-time code (by email, or by SMS through
# notifications/sms/accounts.py). A trainee may sign up with only a mobile
# number, which a code sent to it verifies before the account is used; email
# verification stays optional unless configured.
ACCOUNT_LOGIN_METHODS = {"email", "phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email", "password1*", "password2*"]
ACCOUNT_ADAPTER = "notifications.sms.accounts.AccountAdapter"
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_RESEND = True
ACCOUNT_PHONE_VERIFICATION_SUPPORTS_CHANGE = True
# Six digits, by SMS or by email: what a phone offers to fill in from the text,
# typed on the number pad.
ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
ACCOUNT_LOGIN_BY_CODE_FORMAT = ACCOUNT_PHONE_VERIFICATION_CODE_FORMAT
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
# Texts can take a minute to arrive: a code is valid for five.
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 5 * 60
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 5 * 60
ACCOUNT_LOGIN_BY_CODE_SUPPORTS_RESEND = True
# Every code is an SMS the committee pays for and a message on someone's
# phone: per number ("key") at most one a minute and five an hour, and per
# client address ("ip") at most ten a minute, whether the code is to sign in
# or to verify a number. The other limits keep allauth's defaults.
ACCOUNT_RATE_LIMITS = {
    "request_login_code": "10/m/ip,1/m/key,5/h/key",
    "verify_phone": "10/m/ip,1/m/key,5/h/key",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
if ACCOUNT_EMAIL_VERIFICATION not in {"none", "optional", "mandatory"}:
    raise ImproperlyConfigured("ACCOUNT_EMAIL_VERIFICATION must be none, optional or mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_FORMS = {
    "signup": "talent.forms.SignupForm",
    "confirm_login_code": "notifications.sms.accounts.ConfirmLoginCodeForm",
    "verify_phone": "notifications.sms.accounts.VerifyPhoneForm",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = _("[Social work] ")
# allauth's rate limits live in the cache above.

# Second factor (allauth.mfa): authenticator apps, with recovery codes made when
# one is activated. Administrators see everything, so they must use it: without
# an active authenticator app they are sent to set one up before any other page
# (talent/mfa.py). Only the local demo (`make run`) turns the requirement off;
# `check --deploy` warns when it is off.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_ADAPTER = "talent.mfa.MFAAdapter"
MFA_REQUIRED_FOR_ADMINISTRATORS = env_bool("DJANGO_MFA_REQUIRED_FOR_ADMINISTRATORS", True)

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Our messages; then, kept by hand, Chinese for messages of Django, allauth and
# import-export that their own catalogues leave in English (its .po files say
# which and why; makemessages would drop them from ours).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "packages"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Secure defaults whenever debug is off; each can be relaxed by its variable
# (for example behind a proxy that terminates TLS on a private network).
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
    # Preloading is a promise to browsers that is slow to undo: the committee
    # opts in (DJANGO_SECURE_HSTS_PRELOAD=1) once HTTPS is settled on every
    # subdomain, so the reminder is silenced rather than the choice made here.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: every script, style, font and image comes from this
# site; no inline script, no third-party origin. Bootstrap's CSS draws a few
# icons from data: URIs.
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
    }
}

MESSAGE_TAGS = {40: "danger"}  # messages.ERROR → Bootstrap's alert-danger

# Continuing education: hours needed in each three-year registration cycle,
# by qualification level (《社会工作者继续教育办法》).
CONTINUING_EDUCATION_CYCLE_YEARS = env_int("CONTINUING_EDUCATION_CYCLE_YEARS", 3)
CONTINUING_EDUCATION_REQUIRED_HOURS = {
    "assistant": env_int("CE_HOURS_ASSISTANT", 72),
    "intermediate": env_int("CE_HOURS_INTERMEDIATE", 90),
    "senior": env_int("CE_HOURS_SENIOR", 90),
}

# Recognised hours (学时认定) beyond courses: how a claim converts to hours
# (`hours_per_unit` hours for each unit claimed) and the most a category may
# credit in one registration cycle, as a percentage of the cycle's required
# hours (None: no cap). Caps are applied when a claim is credited.
CONTINUING_EDUCATION_CATEGORIES = {
    "course": {"unit": "hour", "hours_per_unit": 1, "cap_percent": None},
    "external_training": {"unit": "hour", "hours_per_unit": 1, "cap_percent": env_int("CE_CAP_EXTERNAL", 50)},
    "conference": {"unit": "day", "hours_per_unit": 6, "cap_percent": env_int("CE_CAP_CONFERENCE", 30)},
    "research": {"unit": "project", "hours_per_unit": 20, "cap_percent": env_int("CE_CAP_RESEARCH", 30)},
    "publication": {"unit": "item", "hours_per_unit": 10, "cap_percent": env_int("CE_CAP_PUBLICATION", 30)},
    "supervision": {"unit": "hour", "hours_per_unit": 1, "cap_percent": env_int("CE_CAP_SUPERVISION", 30)},
    "exchange": {"unit": "hour", "hours_per_unit": 1, "cap_percent": env_int("CE_CAP_EXCHANGE", 40)},
}
# Uploaded documents (evidence of claims, research outputs): PDF or DOCX, at most this size.
DOCUMENT_UPLOAD_MAX_BYTES = env_int("DOCUMENT_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)

# The annual base assessment: the lowest total score (of 100) of each grade.
ASSESSMENT_GRADE_THRESHOLDS = {
    "excellent": env_int("ASSESSMENT_GRADE_EXCELLENT", 90),
    "good": env_int("ASSESSMENT_GRADE_GOOD", 75),
    "pass": env_int("ASSESSMENT_GRADE_PASS", 60),
}

REGISTRY_PAGE_SIZE = env_int("REGISTRY_PAGE_SIZE", 25)
# Lists count their rows exactly up to this many, then say "more than" (talent/paging.py).
LIST_COUNT_CAP = env_int("LIST_COUNT_CAP", 10_000)
# The administrator dashboard's figures are computed in the background
# (reports/summaries.py) and refreshed when data changes or when older than this.
DASHBOARD_SUMMARY_MAX_AGE = datetime.timedelta(minutes=env_int("DASHBOARD_SUMMARY_MAX_AGE_MINUTES", 15))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# An internship evaluation at or above this score passes.
PLACEMENT_PASSING_SCORE = env_int("PLACEMENT_PASSING_SCORE", 60)

# Certificates: the serial prefix (DQ-2026-T-000123) and how many processes
# render a batch (one per core by default).
CERTIFICATE_SERIAL_PREFIX = env_str("CERTIFICATE_SERIAL_PREFIX", "DQ")
CERTIFICATE_RENDER_PROCESSES = env_int("CERTIFICATE_RENDER_PROCESSES", os.cpu_count() or 1)
# A batch issues this many certificates per transaction; a running batch whose
# worker has made no progress for this long is offered to be carried on.
CERTIFICATE_BATCH_CHUNK = env_int("CERTIFICATE_BATCH_CHUNK", 20)
CERTIFICATE_BATCH_STALLED_AFTER = datetime.timedelta(seconds=env_int("CERTIFICATE_BATCH_STALLED_AFTER_SECONDS", 300))
# Public verification lookups allowed per client address and minute.
VERIFY_RATE_PER_MINUTE = env_int("VERIFY_RATE_PER_MINUTE", 30)
# QR check-in at class meetings: scans per signed-in person, and per address
# (a classroom's trainees may all share one address behind its Wi-Fi), a minute.
CHECKIN_RATE_PER_USER_PER_MINUTE = env_int("CHECKIN_RATE_PER_USER_PER_MINUTE", 10)
CHECKIN_RATE_PER_ADDRESS_PER_MINUTE = env_int("CHECKIN_RATE_PER_ADDRESS_PER_MINUTE", 1000)

# Audit trail (django-auditlog): who changed what, when. Registered here rather
# than in each app so the list of audited records is in one place.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "talent.practitioner", "m2m_fields": {"specialties"}},
    "training.enrollment",
    "training.meeting",
    "training.attendance",
    "placements.placement",
    "placements.hourlog",
    "placements.evaluation",
    "certificates.certificate",
)
AUDITLOG_STORE_JSON_CHANGES = True

# Roster imports (rosters/). Files above these limits are refused
# before a row is read. Imports of more rows than IMPORT_BACKGROUND_ROWS run as
# a background task with a progress bar.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 1_000_000)
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 5_000)
IMPORT_MAX_RECORDED_PROBLEMS = 1_000
# A run still going after this long was cut off (a restart); it is marked failed.
IMPORT_INTERRUPTED_AFTER = datetime.timedelta(minutes=env_int("IMPORT_INTERRUPTED_AFTER_MINUTES", 60))
# Only holders of app.import_<model> / app.export_<model> (administrators) may
# import or export in the admin; unset, any staff user could.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True  # every import is in ImportRecord and the audit log
# Where a previewed file waits for its confirmation: the local temp folder by
# default; with several web servers, import_export.tmp_storages.MediaStorage.
IMPORT_EXPORT_TMP_STORAGE_CLASS = env_str(
    "IMPORT_EXPORT_TMP_STORAGE_CLASS", "import_export.tmp_storages.TempFolderStorage"
)
# Background work (imports, certificate batches, notifications, reminders) runs
# as tasks of Django's Tasks API (the django-tasks backport until Django 6).
# "database" (default): django-tasks-db, workers started by `manage.py db_worker`,
# on SQLite for `make run` and on PostgreSQL for several workers on several
# machines. "rq": Redis at REDIS_URL, workers by `manage.py rqworker`.
# "immediate": run at once in the caller (the tests).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, got {TASKS_BACKEND!r}")
TASKS = {"default": _TASK_BACKENDS[TASKS_BACKEND]}
if TASKS_BACKEND == "rq":
    if not redis_url:
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL")
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": redis_url}}

# SMS (notifications/sms/): like Django's email backends. "console" prints,
# "locmem" keeps messages in notifications.sms.outbox (tests), "http" posts to
# the gateway configured by the SMS_GATEWAY_* variables.
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.sms.backends.console.SMSBackend")
# The gateway (SMS_BACKEND=notifications.sms.backends.http.SMSBackend): where
# to POST, the key it expects (sent as a bearer token), the seconds to wait
# for its answer, and how many messages a second this process may send (the
# gateway's own limit; 0 for none). A 429 from the gateway is retried later.
SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL")
SMS_GATEWAY_KEY = env_str("SMS_GATEWAY_KEY")
SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 10)
SMS_RATE_PER_SECOND = env_int("SMS_RATE_PER_SECOND", 20)
# The signature (签名) the carrier approved, put before every message; it counts
# towards the 70 characters of one SMS. Longer messages go as segments of 67
# characters, at most SMS_MAX_SEGMENTS of them (the rest is cut, with "…").
SMS_SIGNATURE = env_str("SMS_SIGNATURE", "【大庆市社工委】")
SMS_MAX_SEGMENTS = env_int("SMS_MAX_SEGMENTS", 3)
if SMS_MAX_SEGMENTS < 1:
    raise ImproperlyConfigured("SMS_MAX_SEGMENTS must be 1 or more")
# Gateways that send only pre-approved templates: the template id of each
# notification kind, "kind=id" pairs separated by commas
# ("account.code=SMS_1001,training.enrolled=SMS_1002").
SMS_TEMPLATE_IDS = dict(item.split("=", 1) for item in env_list("SMS_TEMPLATE_IDS") if "=" in item)
if len(SMS_TEMPLATE_IDS) != len(env_list("SMS_TEMPLATE_IDS")):
    raise ImproperlyConfigured("SMS_TEMPLATE_IDS must be kind=id pairs separated by commas")

# Notifications (notifications/): a delivery that fails (SMTP or the SMS
# gateway down) is tried again after 1, 2, 4 … minutes (NOTIFICATIONS_RETRY_SECONDS
# doubled each time, at most 6 hours) and is marked failed after
# NOTIFICATIONS_MAX_ATTEMPTS attempts; the admin lists failed deliveries with a retry action.
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 8)
NOTIFICATIONS_RETRY_SECONDS = env_int("NOTIFICATIONS_RETRY_SECONDS", 60)
NOTIFICATIONS_PAGE_SIZE = env_int("NOTIFICATIONS_PAGE_SIZE", 20)
# How many tasks share the sending of one large batch (a confirmed round, a
# day's reminders): with several workers they send in parallel.
NOTIFICATIONS_SENDERS = env_int("NOTIFICATIONS_SENDERS", 4)
