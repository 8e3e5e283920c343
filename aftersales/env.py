"""The one place that reads the environment. Every setting has a default that runs the
embedded configuration (SQLite and files under ./var/) with nothing installed."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def _str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from exc


def _list(name: str, default: str) -> list[str]:
    return [item.strip() for item in _str(name, default).split(",") if item.strip()]


VAR_DIR = Path(_str("AFTERSALES_VAR_DIR", "var")).resolve()
# Where `npm ci` put the front-end packages (the repository's frontend/ by default).
FRONTEND_DIR = Path(
    _str("AFTERSALES_FRONTEND_DIR", str(Path(__file__).resolve().parent.parent / "frontend"))
)
DEBUG = _bool("DEBUG", False)
DATABASE_URL = _str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'aftersales.sqlite3'}")
REDIS_URL = _str("REDIS_URL", "")
ALLOWED_HOSTS = _list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS", "")
TIME_ZONE = _str("TIME_ZONE", "Asia/Shanghai")
LANGUAGE_CODE = _str("LANGUAGE_CODE", "zh-hans")
MEDIA_ROOT = Path(_str("MEDIA_ROOT", str(VAR_DIR / "media"))).resolve()
STATIC_ROOT = Path(_str("STATIC_ROOT", str(VAR_DIR / "static"))).resolve()
SITE_URL = _str("SITE_URL", "http://127.0.0.1:8000")

EMAIL_HOST = _str("EMAIL_HOST", "")
EMAIL_PORT = _int("EMAIL_PORT", 25)
EMAIL_HOST_USER = _str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = _str("DEFAULT_FROM_EMAIL", "aftersales@localhost")
# Seconds before a silent mail server gives up: the worker must never hang on one.
EMAIL_TIMEOUT = _int("EMAIL_TIMEOUT", 30)

# SMS: "console" writes messages to the log; "http" posts {"phone", "text"} as JSON with a
# bearer token to a gateway of your SMS provider.
SMS_PROVIDER = _str("SMS_PROVIDER", "console")
SMS_HTTP_URL = _str("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = _str("SMS_HTTP_TOKEN", "")

# The notifications outbox: tries before a message is dead, the longest wait between tries,
# how long a message may stay "sending" before another worker takes it over, HTTP timeout.
NOTIFICATIONS_MAX_ATTEMPTS = _int("NOTIFICATIONS_MAX_ATTEMPTS", 8)
NOTIFICATIONS_BACKOFF_CAP_MINUTES = _int("NOTIFICATIONS_BACKOFF_CAP_MINUTES", 60)
NOTIFICATIONS_SENDING_TIMEOUT_MINUTES = _int("NOTIFICATIONS_SENDING_TIMEOUT_MINUTES", 10)
NOTIFICATIONS_HTTP_TIMEOUT = _int("NOTIFICATIONS_HTTP_TIMEOUT", 10)

# Threads of `aftersales worker`: the tasks wait on mail servers and webhooks, not the CPU.
WORKER_THREADS = _int("WORKER_THREADS", 4)

# Satisfaction surveys and revisits (回访): how long a survey link stays valid, the rating at
# or below which an answer opens a complaint for the quality manager, how many days after a
# case closes the customer is called back (unless its contract's revisit plan says otherwise),
# and how far ahead periodic revisits are scheduled.
FEEDBACK_SURVEY_DAYS = _int("FEEDBACK_SURVEY_DAYS", 14)
FEEDBACK_LOW_RATING = _int("FEEDBACK_LOW_RATING", 2)
FEEDBACK_REVISIT_AFTER_CLOSE_DAYS = _int("FEEDBACK_REVISIT_AFTER_CLOSE_DAYS", 3)
FEEDBACK_REVISIT_HORIZON_DAYS = _int("FEEDBACK_REVISIT_HORIZON_DAYS", 14)
# The CJK font PDFs (service reports, diagnosis reports) are set in: a full OpenType font or
# collection, not a web-font subset. Debian/Ubuntu: apt-get install fonts-noto-cjk. The bold
# face is optional (bold is drawn from the regular face without it).
PDF_FONT = Path(_str("PDF_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"))
PDF_FONT_BOLD = Path(_str("PDF_FONT_BOLD", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"))

ATTACHMENT_MAX_BYTES = _int("ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024)
ATTACHMENT_FORBIDDEN_EXTENSIONS = _list(
    "ATTACHMENT_FORBIDDEN_EXTENSIONS",
    "exe,com,bat,cmd,scr,pif,msi,msp,dll,cpl,vbs,vbe,js,jse,wsf,wsh,ps1,psm1,hta,jar,sh,reg,lnk",
)

# Spreadsheet exports: the most rows one holds (Excel's limit less the header row), the days
# a finished export is kept before the worker deletes it, the exports one person may have
# queued or running at once.
EXPORT_MAX_ROWS = _int("EXPORT_MAX_ROWS", 1_048_575)
EXPORT_KEEP_DAYS = _int("EXPORT_KEEP_DAYS", 7)
EXPORT_MAX_UNFINISHED = _int("EXPORT_MAX_UNFINISHED", 3)


SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SECRET_KEY"))


def secret_key() -> str:
    """SECRET_KEY from the environment; else a key generated once and kept in VAR_DIR."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key
