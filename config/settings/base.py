"""Settings shared by every environment. Everything that differs between
machines is read from the environment, so the same code runs on a laptop,
in CI and in production."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-local-development-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # API tokens kept as digests, one a client, each expiring (accounts/tokens.py)
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "simple_history",
    "casework",
    "escalations",
    "notifications",
    "provision",
    "statutory",
    "casefile",
    "reports",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
]

MIDDLEWARE = [
    # First: load balancers' probes are answered before the host check and the HTTPS redirect.
    "config.health.health_checks",
    "django.middleware.security.SecurityMiddleware",
    "config.caching.never_stored",
    # Every answer under /api/ is JSON, errors included; an oversized body is a 413.
    "core.middleware.api_answers_in_json",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Which second factor (if any) this session has given; then staff without one are sent to give it.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.second_factor_required",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns away sign-ins from a locked-out person.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out person is refused before their password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on (accounts/sign_on.py): each door signs nobody in unless it is turned on.
    "accounts.sign_on.FamiliesSignOnBackend",
    "accounts.sign_on.StaffSignOnBackend",
]
# Sign-in throttling: 5 wrong passwords for the same username from the same address
# lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "accounts.sign_in.username_to_throttle"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "pages/locked_out.html"
# The API's answer to a locked-out sign-in is JSON, 429 with Retry-After; the pages' is the template above.
AXES_LOCKOUT_CALLABLE = "accounts.sign_in.locked_out"
# A password spray (one guess at each of many usernames) is held back by counting wrong passwords, on the
# sign-in page, the token endpoint and the admin, per client address and for everyone together, over
# SIGN_IN_LIMIT_MINUTES (accounts/sign_in.py). 20 from one address is four people behind one office or school
# connection each nearly locking themselves out (axes' 5); 300 from everyone is a wrong password a second, far
# above a borough's own mistakes and under half the 2.7 a second a spray was seen to try. Past either, password
# sign-in answers 429 with Retry-After until the oldest counted failures are out of the window.
SIGN_IN_LIMIT_MINUTES = int(os.environ.get("SIGN_IN_LIMIT_MINUTES", "5"))
SIGN_IN_LIMIT_PER_ADDRESS = int(os.environ.get("SIGN_IN_LIMIT_PER_ADDRESS", "20"))
SIGN_IN_LIMIT_OVERALL = int(os.environ.get("SIGN_IN_LIMIT_OVERALL", "300"))
# Reset links asked for in an hour: 20 from one client address (a household or an office shares one), 200 from
# everyone (a borough asks for a handful an hour; more is someone using the service to send mail).
PASSWORD_RESET_LIMIT_PER_ADDRESS = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_ADDRESS", "20"))
PASSWORD_RESET_LIMIT_OVERALL = int(os.environ.get("PASSWORD_RESET_LIMIT_OVERALL", "200"))
# How many proxies of our own (load balancers) stand in front of the web servers: none on a laptop.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"

# Content security policy for the service's pages. The admin and the browsable
# API are staff tools built on inline scripts, so they are left out of it.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
    },
}

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
                "casework.web.navigation.navigation",
                "accounts.context_processors.accounts",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Compiling these short queries costs more than it saves (bench/README.md: 1.4 s of a 3.2 s report).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
    # Parameters travel apart from the SQL instead of being quoted into it in Python: a third of the
    # sweep's time at a million cases went on quoting the rows of its bulk inserts (bench/README.md).
    DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
    # A statement a connection has run this many times is prepared on the server, which then plans it once, not
    # each time: logging a concern spent longer planning its ten-table joins than running them (bench/README.md).
    # "off" for a pool that cannot carry prepared statements (PgBouncer before 1.21 in transaction mode).
    prepare_threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None if prepare_threshold == "off" else int(prepare_threshold)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Under `make run` the web server, the worker and beat write to the one SQLite file at once. A transaction
    # that reads first and writes later (SQLite's default, DEFERRED) cannot wait for another's write lock: it
    # fails at once with "database is locked". Taking the lock when the transaction begins lets it wait its turn
    # (up to `timeout` seconds), and WAL lets pages be read while the worker writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
# Reports may read from a replica of the primary (README, "Growing past one machine"): the router sends the
# reads of a report there, and every write and every other read to the primary. With no replica, all goes there.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
REPORTS_DATABASE = "replica" if "replica" in DATABASES else "default"
# What one report query may sort and hash in memory on PostgreSQL before spilling to disk (core.database.report_memory).
REPORT_WORK_MEM = os.environ.get("REPORT_WORK_MEM", "128MB")
DATABASE_ROUTERS = ["core.database.ReportReadsRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
# The API speaks UTC (API.md). Anything about UK working days, and every time a
# page shows, converts to Europe/London explicitly (escalations.working_days.UK_TIME).
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# GOV.UK Frontend comes from the npm registry (package.json); `make install` puts it in node_modules.
# The council's stylesheet is compiled from GOV.UK Frontend's Sass into build/static by `make install`.
STATICFILES_DIRS = [
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
    BASE_DIR / "build" / "static",
]

# Families sign in on shared computers (a library's, a relative's), so a session is not kept for Django's
# default of two weeks: the cookie goes when the browser closes, and the session ends after
# SESSION_IDLE_MINUTES without a page (a browser that restores its tabs keeps the cookie).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True

LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/sign-in/"

# Email: SMTP in production, configured from the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an SMTP connection may wait: well inside the send task's limits, so a hung mail server fails
# the attempt (and it is retried) instead of holding the row in "sending".
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SEND Casework <no-reply@send-casework.example>")

# The cache holds the tables every concern reads and an administrator rarely changes (core/read_mostly.py).
# Every process must see the same one, so that a change made in one reaches all: Redis when there is one,
# else a folder in VAR_DIR, which the web processes, the worker and beat on one machine share.
if os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    }

# Celery. With no REDIS_URL the broker is a folder on disk, so the app still
# runs on a machine with no Redis at all (web, worker and beat share var/).
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery-broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        # An empty folder is looked at again after a tenth of a second, not a whole one.
        "polling_interval": 0.1,
        # Where the transport keeps its exchange tables: under var/, never in the working tree.
        "control_folder": str(_broker_dir / "control"),
    }
    # This transport has no event loop: the worker acknowledges finished tasks only every 2 seconds, so
    # with one message prefetched per process it ran one task a second, the demo borough's notifications
    # took minutes to drain and the minute's sweep waited behind them.
    CELERY_WORKER_PREFETCH_MULTIPLIER = 20
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Fail fast when the broker is down: the outbox and the sweep catch up later.
        "max_retries": 1,
        "interval_start": 0,
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
    # Each worker process takes one task at a time, so a long one never holds others back.
    CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
# A backstop for any task that names no limits of its own (core/tasks.py says why each has its own).
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Who is sent reminders, and so offered the daily digest of them: staff. Named here because notifications
# knows nothing of the other apps (DESIGN.md).
NOTIFICATIONS_REMINDED_PEOPLE = "casework.permissions.is_staff_member"
# The daily digest goes out just after the 09:00 reminders (DESIGN.md) on weekdays, UK time. Every reminder is
# about something due that same working day, so a digest any earlier would carry each one after its deadline.
NOTIFICATIONS_DAILY_DIGEST_HOUR = 9
NOTIFICATIONS_DAILY_DIGEST_MINUTE = 5
# Every periodic task, in one place, under a name that says what it is for.
CELERY_BEAT_SCHEDULE = {
    "Send SLA reminders and escalations that have fallen due, every minute": {
        "task": "escalations.sla_sweep",
        "schedule": 60.0,
    },
    "Send statutory reminders, and raise a concern for each legal date missed, every minute": {
        "task": "statutory.sweep",
        "schedule": 60.0,
    },
    "Re-route any open case whose named officer is no longer active, every 5 minutes": {
        "task": "casework.reroute_orphaned_cases",
        "schedule": 300.0,
    },
    "Ask families whether a problem resolved four weeks ago is still fixed, hourly": {
        "task": "casework.ask_families_if_fixed",
        "schedule": 3600.0,
    },
    "Resume cases that have waited on the family too long, every 5 minutes": {
        "task": "casework.resume_expired_pauses",
        "schedule": 300.0,
    },
    "Re-send notifications still pending, every minute": {
        "task": "notifications.tasks.redispatch_pending_notifications",
        "schedule": 60.0,
    },
    "Raise a concern for provision that has fallen short of the plan, hourly": {
        "task": "provision.gap_sweep",
        "schedule": 3600.0,
    },
    "Remind officers and families of support ending, and raise a concern when it ends undecided, hourly": {
        "task": "provision.support_ending_sweep",
        "schedule": 3600.0,
    },
    "Make the sessions table's partitions for the next three months, 05:30": {
        "task": "provision.delivery_partitions",
        "schedule": crontab(hour=5, minute=30),
    },
    "List records past their retention date for an administrator to approve, 06:00 on the 1st of each month": {
        "task": "accounts.list_records_past_retention",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    "Check every case file's hash chain and record the night's digest, 02:30": {
        "task": "casefile.verify_case_files",
        "schedule": crontab(hour=2, minute=30),
    },
    "Send officers their daily digest of the morning's reminders, 09:05 on weekdays": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(
            hour=NOTIFICATIONS_DAILY_DIGEST_HOUR, minute=NOTIFICATIONS_DAILY_DIGEST_MINUTE, day_of_week="mon-fri"
        ),
    },
}

# The largest request body read, other than an upload: 1 MB. Django applies it to forms; the API to every
# body, uploads allowed the file limit on top (core/middleware.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("API_MAX_BODY_KB", "1024")) * 1024

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header is what makes DRF answer 401, not 403, to anonymous callers.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.exception_handler.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    # Swagger UI served from this site (drf-spectacular-sidecar), not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "SEND Casework API",
    "DESCRIPTION": (
        "Concerns raised by families of children with special educational needs and "
        "disabilities, each owned by a named officer, with every step audited."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # A session's status is not a case's: each gets its own name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "casework.models.Case.Status",
        "DeliveryStatusEnum": "provision.models.Delivery.Status",
    },
    # The error answers of every operation, by the rules the handlers follow (core/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.document_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # When, how bad and from where: a bare message cannot be found or filtered in the operators' logs.
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Django's own handler for its loggers printed each of their lines a second time with DEBUG on;
    # they reach the console through the root logger, as everything else does.
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

# Domain settings.
CASE_REFERENCE_PREFIX = "SEND"
# How many working days after resolution a family may still reopen a case.
REOPEN_WINDOW_WORKING_DAYS = int(os.environ.get("REOPEN_WINDOW_WORKING_DAYS", "20"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Provision delivery: how far delivery may fall short of the plan, per EHCP section, before the gap sweep
# raises a concern by itself. Any one rule broken is a shortfall: the last `missed_in_a_row` sessions all
# missed; nothing recorded for `weeks_with_nothing` weeks when sessions were due; or fewer than
# `delivered_at_least` of the sessions due delivered over the last `over_weeks` weeks.
_PROVISION_GAP_DEFAULT = {"missed_in_a_row": 2, "weeks_with_nothing": 2, "delivered_at_least": 0.8, "over_weeks": 4}
PROVISION_GAP_TOLERANCE = {section: dict(_PROVISION_GAP_DEFAULT) for section in ("F", "G", "H1", "H2")}
# How long before an item's end date the officer and the family are told, so a decision is made in time.
PROVISION_ENDING_NOTICE_WEEKS = int(os.environ.get("PROVISION_ENDING_NOTICE_WEEKS", "4"))

# Notifications: the outbox in `notifications/`.
# How many times a message is tried before it is marked failed.
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "5"))
# The wait before retry n is this many seconds times 2 to the power n.
NOTIFICATIONS_RETRY_DELAY_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_DELAY_SECONDS", "30"))
# A message still pending this long after it was due is queued again by the re-dispatch.
NOTIFICATIONS_REDISPATCH_AFTER_SECONDS = 60
# A send running longer than this is taken to have died with its worker, and is tried again: just over the
# send task's hard limit (core/tasks.py SEND_LIMITS, 90 s), after which no live worker can still be on it.
# A send whose worker on the same machine has gone is taken up sooner, at the next re-dispatch.
NOTIFICATIONS_SENDING_TIMEOUT_SECONDS = 120
# The most messages one run of the re-dispatch queues, so a backlog cannot make one run slow.
NOTIFICATIONS_REDISPATCH_BATCH_SIZE = 500
# GOV.UK Notify, when on, replaces the email backend for notification emails and sends texts.
# Template ids come as "key=id,key=id", for example "case_logged=0f3c...,case_resolved=9a1b...".
NOTIFY_ENABLED = env_bool("NOTIFY_ENABLED", False)
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_TEMPLATE_IDS = dict(item.split("=", 1) for item in env_list("NOTIFY_TEMPLATE_IDS"))
NOTIFY_SMS_TEMPLATE_IDS = dict(item.split("=", 1) for item in env_list("NOTIFY_SMS_TEMPLATE_IDS"))

# Accounts (accounts/): forgotten passwords, two-factor sign-in for staff, invitations, the legal pages.
# A reset link works once, for this long (Django's token views; the email and the pages say how long).
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_MINUTES", "60")) * 60
# The council running the service: the footer, the legal pages and the emails name it and its contacts.
COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Example Borough Council")
COUNCIL_EMAIL = os.environ.get("COUNCIL_EMAIL", "send@example.gov.uk")
COUNCIL_PHONE = os.environ.get("COUNCIL_PHONE", "020 7946 0000")
COUNCIL_ADDRESS = os.environ.get("COUNCIL_ADDRESS", "Town Hall, High Street, Exampleton EX1 1AA")
COUNCIL_DPO_EMAIL = os.environ.get("COUNCIL_DPO_EMAIL", "dpo@example.gov.uk")
# Where the beta banner's feedback link goes; empty means an email to COUNCIL_EMAIL.
FEEDBACK_URL = os.environ.get("FEEDBACK_URL", "")
# Two-factor sign-in for staff (accounts/two_factor.py): on in production; off for `make run` and the tests.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", False)
# The name authenticator apps show beside the code.
OTP_TOTP_ISSUER = "SEND Casework"


def oidc_door(door: str, button: str, provider: str, **defaults) -> dict:
    """One single sign-on door's settings, OIDC_<DOOR>_*, off unless OIDC_<DOOR>_ENABLED (accounts/sign_on.py):
    the provider's endpoints, this service's registration with it, and how it proves who it is (a client
    secret, or a private key's file for private_key_jwt)."""
    names = {
        "BUTTON": button,
        "PROVIDER_NAME": provider,
        "RP_CLIENT_ID": "",
        "RP_CLIENT_SECRET": "",
        "RP_CLIENT_PRIVATE_KEY_FILE": "",
        "RP_CLIENT_KEY_ALGO": "RS256",
        "OP_AUTHORIZATION_ENDPOINT": "",
        "OP_TOKEN_ENDPOINT": "",
        "OP_USER_ENDPOINT": "",
        "OP_JWKS_ENDPOINT": "",
        "RP_SIGN_ALGO": "RS256",
        "VTR": "",
        "UI_LOCALES": "",
        **defaults,
    }
    door_settings = {
        f"OIDC_{door}_{name}": os.environ.get(f"OIDC_{door}_{name}", value) for name, value in names.items()
    }
    door_settings[f"OIDC_{door}_ENABLED"] = env_bool(f"OIDC_{door}_ENABLED", False)
    return door_settings


# Single sign-on with OpenID Connect, two doors side by side: families through GOV.UK One Login (which asks for a
# level of confidence, `vtr`, and the language of its pages), and staff through the council's identity provider.
globals().update(
    oidc_door("FAMILIES", "Sign in with GOV.UK One Login", "GOV.UK One Login", VTR='["Cl.Cm"]', UI_LOCALES="en")
)
globals().update(oidc_door("STAFF", "Sign in with your council account", "your council's sign-in service"))
OIDC_RP_SCOPES = "openid email"
# Sign-on never makes an account: it signs in the one account with the provider's verified email.
OIDC_CREATE_USER = False
LOGIN_REDIRECT_URL_FAILURE = "/sign-on/refused/"
# How long an API token works after it is issued (accounts/tokens.py); POST /api/auth/logout/ ends it sooner.
API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "24"))
REST_KNOX = {"TOKEN_TTL": timedelta(hours=API_TOKEN_HOURS), "AUTH_HEADER_PREFIX": "Token"}
# Evidence and the case file (casefile/). A file over the limit is refused whole.
CASEFILE_MAX_UPLOAD_BYTES = int(os.environ.get("CASEFILE_MAX_UPLOAD_MB", "20")) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "casefile.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Attachments are kept through Django's storage API, never at a public address: a private folder under VAR_DIR,
# or an S3-compatible bucket (django-storages) when CASEFILE_S3_BUCKET is set. Credentials come from the usual
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the machine's role.
CASEFILE_S3_BUCKET = os.environ.get("CASEFILE_S3_BUCKET", "")
if CASEFILE_S3_BUCKET:
    CASEFILE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": CASEFILE_S3_BUCKET,
            "endpoint_url": os.environ.get("CASEFILE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("CASEFILE_S3_REGION") or None,
            "location": "casefile",
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
else:
    CASEFILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(VAR_DIR / "casefile"),
            "base_url": None,
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    }
# A ClamAV daemon to scan every upload: its Unix socket (e.g. /run/clamav/clamd.ctl) or tcp://host:port.
CLAMD_SOCKET = os.environ.get("CLAMD_SOCKET", "")
CLAMD_TIMEOUT_SECONDS = int(os.environ.get("CLAMD_TIMEOUT_SECONDS", "60"))
