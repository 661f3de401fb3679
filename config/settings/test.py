from .base import *  # noqa: F401,F403
from .base import DATABASES

SECRET_KEY = "test-only-secret-key"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process; the tests marked `celery_worker` use a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# The test client's login() authenticates without a request, which django-axes refuses; the
# throttling tests switch it back on.
AXES_ENABLED = False
# Many tests travel days ahead with a parent or officer still signed in, as someone coming back to a case
# would sign in again; they keep Django's two weeks. tests/config/test_sessions.py checks the real limit.
SESSION_COOKIE_AGE = 14 * 24 * 60 * 60
# Each test starts with an empty cache of its own (tests/conftest.py), whatever REDIS_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A second alias on the same database, as a replica would be, for the router's tests (tests/core/test_replica.py),
# which switch REPORTS_DATABASE to it. Every other test reads and writes the primary alone.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
REPORTS_DATABASE = "default"
