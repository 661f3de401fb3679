import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import MIDDLEWARE, env_bool, env_list


def required(name, why):
    """A variable production cannot run without: refuse to start, saying which, rather than fall back to
    a development value (a known secret key, a SQLite file on one web server, a broker in a local folder)."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set. Production needs it: {why}")
    return value


DEBUG = False
SECRET_KEY = required("SECRET_KEY", "a long random value, the same on every web server and worker.")
required("DATABASE_URL", "the PostgreSQL database, e.g. postgres://user:password@host:5432/send_casework.")
if not (os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")):
    raise ImproperlyConfigured(
        "REDIS_URL is not set. Production needs it: the Redis that carries tasks from the web servers to the "
        "workers and beat, e.g. redis://host:6379/0 (or CELERY_BROKER_URL for another broker)."
    )
required("ALLOWED_HOSTS", "the host names the service answers to, e.g. send.example.gov.uk.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# Without it every link in an email or a text would point at 127.0.0.1.
SITE_URL = required("SITE_URL", "the address links in emails and texts use, e.g. https://send.example.gov.uk.")
# Only needed when forms are posted from another origin than the host itself, e.g. https://send.example.gov.uk.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Staff hold special category data: a password alone never opens a staff page, the admin or a staff API token.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR", True)

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Behind a load balancer: django-axes must count sign-in attempts per real client address
# (config/client_address.py). One proxy unless the council says otherwise.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1"))

# gunicorn serves the stylesheet, GOV.UK Frontend and the scripts itself, from what
# `manage.py collectstatic` gathered into STATIC_ROOT, with names that change when a file does.
# WhiteNoise goes straight after SecurityMiddleware, as its documentation asks.
_after_security = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE = [
    *MIDDLEWARE[:_after_security],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[_after_security:],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
