"""Production: PostgreSQL, Redis, behind a TLS-terminating reverse proxy."""

from django.core.exceptions import ImproperlyConfigured

from aftersales import env

from .base import *  # noqa: F403
from .base import DATABASES

if not env.SECRET_KEY_FROM_ENVIRONMENT:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured("Production runs on PostgreSQL: set DATABASE_URL.")

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
