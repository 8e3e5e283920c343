"""Settings shared by every configuration. Values come from aftersales.env."""

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from aftersales import env
from aftersales.worker import huey_settings

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env.VAR_DIR

SECRET_KEY = env.secret_key()
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS
SITE_URL = env.SITE_URL

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "aftersales.core",
    "aftersales.accounts",
    "aftersales.customers",
    "aftersales.cases",
    "aftersales.sla",
    "aftersales.audit",
    "aftersales.notifications",
    "aftersales.dispatch",
    "aftersales.rma",
    "aftersales.exports",
    "aftersales.workspace",
    "aftersales.portal",
    "aftersales.feedback",
    "aftersales.search",
    "aftersales.knowledge",
    "aftersales.reports",
]

MIDDLEWARE = [
    # First, so that its time covers every other middleware too.
    "aftersales.core.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "aftersales.workspace.navigation.context",
            ],
        },
    },
]


def _database(url: str) -> dict:
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Several processes (web, worker) share the file: write-ahead log, wait for locks
        # rather than fail, and take the write lock when a transaction starts so two
        # writers never deadlock upgrading a read lock.
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        if config["NAME"] and config["NAME"] != ":memory:":
            Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    return config


DATABASES = {"default": _database(env.DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env.LANGUAGE_CODE
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env.TIME_ZONE
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.STATIC_ROOT
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "aftersales.core.staticfiles.AppDirectoriesFinder",
    # Front-end packages, read where npm installed them: never copied into the repository.
    "aftersales.core.staticfiles.NpmFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "aftersales.core.staticfiles.StaticStorage"},
}
# Uploaded files are never served directly: every download goes through a view that
# checks the reader's right to the record the file belongs to.
MEDIA_ROOT = env.MEDIA_ROOT
MEDIA_URL = "/media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "aftersales.core.api.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "aftersales.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Aftersales API",
    "DESCRIPTION": _("After-sales service management: cases, customers, assets."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Fields of one name with different choices need names of their own.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "aftersales.cases.choices.Status",
        "VisitStatusEnum": "aftersales.dispatch.choices.VisitStatus",
        "ArticleStatusEnum": "aftersales.knowledge.choices.ArticleStatus",
        "RmaStatusEnum": "aftersales.rma.choices.RmaStatus",
        "LoanStatusEnum": "aftersales.rma.choices.LoanStatus",
        "VendorTicketStatusEnum": "aftersales.rma.choices.VendorTicketStatus",
        "LocationKindEnum": "aftersales.rma.choices.LocationKind",
        "MoveKindEnum": "aftersales.rma.choices.MoveKind",
    },
}

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if env.EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.EMAIL_HOST or "localhost"
EMAIL_PORT = env.EMAIL_PORT
EMAIL_HOST_USER = env.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = env.EMAIL_USE_TLS
EMAIL_USE_SSL = env.EMAIL_USE_SSL
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.EMAIL_TIMEOUT

SMS_PROVIDER = env.SMS_PROVIDER
SMS_HTTP_URL = env.SMS_HTTP_URL
SMS_HTTP_TOKEN = env.SMS_HTTP_TOKEN

NOTIFICATIONS_MAX_ATTEMPTS = env.NOTIFICATIONS_MAX_ATTEMPTS
NOTIFICATIONS_BACKOFF_CAP_MINUTES = env.NOTIFICATIONS_BACKOFF_CAP_MINUTES
NOTIFICATIONS_SENDING_TIMEOUT_MINUTES = env.NOTIFICATIONS_SENDING_TIMEOUT_MINUTES
NOTIFICATIONS_HTTP_TIMEOUT = env.NOTIFICATIONS_HTTP_TIMEOUT

# Background work (`aftersales worker`): RedisHuey when REDIS_URL is set, else SqliteHuey in
# VAR_DIR. Tasks run in the worker, never in the web process (immediate only in tests).
HUEY = huey_settings(redis_url=env.REDIS_URL, var_dir=VAR_DIR, threads=env.WORKER_THREADS)

FEEDBACK_SURVEY_DAYS = env.FEEDBACK_SURVEY_DAYS
FEEDBACK_LOW_RATING = env.FEEDBACK_LOW_RATING
FEEDBACK_REVISIT_AFTER_CLOSE_DAYS = env.FEEDBACK_REVISIT_AFTER_CLOSE_DAYS
FEEDBACK_REVISIT_HORIZON_DAYS = env.FEEDBACK_REVISIT_HORIZON_DAYS
PDF_FONT = env.PDF_FONT
PDF_FONT_BOLD = env.PDF_FONT_BOLD

ATTACHMENT_MAX_BYTES = env.ATTACHMENT_MAX_BYTES
ATTACHMENT_FORBIDDEN_EXTENSIONS = frozenset(
    ext.lower().lstrip(".") for ext in env.ATTACHMENT_FORBIDDEN_EXTENSIONS
)
# Spreadsheet exports: rows at most (an .xlsx sheet holds 1,048,576 with the header), days
# a finished export is kept, exports one person may have under way at once.
EXPORT_MAX_ROWS = env.EXPORT_MAX_ROWS
EXPORT_KEEP_DAYS = env.EXPORT_KEEP_DAYS
EXPORT_MAX_UNFINISHED = env.EXPORT_MAX_UNFINISHED

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every step of every PDF at INFO; its warnings still show.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# The report indexes of cases INCLUDE the columns the reports read (PostgreSQL); SQLite keeps
# their key columns only, which is all the embedded setup needs: no warning for that.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
