"""Settings for the test suite: the same as base, with fast hashing and files in a temp folder."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import HUEY, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="aftersales-media-"))
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LANGUAGE_CODE = "zh-hans"
# Tasks run in the caller, on an in-memory queue: no worker, no Redis, no file.
HUEY = {**HUEY, "immediate": True}
SMS_PROVIDER = "console"
# Static files come from the finders in tests; an empty root keeps whitenoise quiet.
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="aftersales-static-"))
