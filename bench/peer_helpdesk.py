"""The peer, django-helpdesk, set up at run time for bench/api.py --with-peer.

Everything lives under bench/out/peer/ (gitignored): a virtualenv with django-helpdesk from
PyPI, and a minimal Django project generated here, on its own PostgreSQL database (the
benchmark database's name + `_peer`). Its code is never copied into the repository.

The project is as close to Aftersales' shape as the peer allows: the same Django, DRF,
gunicorn and psycopg versions, DEBUG off, token authentication, persistent connections, the
same Server-Timing middleware first in MIDDLEWARE, and mail to a backend that drops it (the
peer sends its notifications synchronously inside the request; a real SMTP server would only
make it slower). Tickets are created through its REST API, POST /helpdesk/api/tickets/.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

VERSION = "2.6.1"
# The same versions as Aftersales runs on (pyproject.toml), so the frameworks are not compared.
PACKAGES = [
    f"django-helpdesk=={VERSION}",
    "Django==5.2.19",
    "djangorestframework==3.18.3",
    "gunicorn==27.0.1",
    "psycopg[binary]==3.3.9",
    "dj-database-url==3.1.2",
]
TICKETS_PATH = "/helpdesk/api/tickets/"

SETTINGS = """\
import os

import dj_database_url

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
]
MIDDLEWARE = [
    "timing.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
WSGI_APPLICATION = "wsgi.application"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["PEER_DATABASE_URL"], conn_max_age=60, conn_health_checks=True
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
MEDIA_ROOT = os.path.join(os.path.dirname(__file__), "media")
SITE_ID = 1
LOGIN_URL = "/helpdesk/login/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@example.com"
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
}
"""
URLS = """\
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("helpdesk/", include("helpdesk.urls", namespace="helpdesk")),
]
"""
WSGI = """\
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
application = get_wsgi_application()
"""
MANAGE = """\
import os
import sys

from django.core.management import execute_from_command_line

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
execute_from_command_line(sys.argv)
"""
# Who creates the tickets (a staff superuser with a token) and the queue they go to.
SETUP = """\
import json

from django.contrib.auth import get_user_model
from helpdesk.models import Queue
from rest_framework.authtoken.models import Token

User = get_user_model()
user, _ = User.objects.get_or_create(
    username="bench-desk", defaults={"email": "bench@example.com", "is_staff": True,
                                     "is_superuser": True}
)
queue, _ = Queue.objects.get_or_create(
    slug="support", defaults={"title": "售后服务", "allow_public_submission": False,
                              "email_address": "support@example.com"}
)
token, _ = Token.objects.get_or_create(user=user)
print(json.dumps({"token": token.key, "queue": queue.pk}))
"""


def _timing_middleware() -> str:
    """Aftersales' own middleware, so both servers time themselves alike."""
    source = Path(__file__).resolve().parent.parent / "aftersales" / "core" / "middleware.py"
    return source.read_text()


@dataclass
class Peer:
    version: str
    python: Path
    project: Path
    env: dict
    token: str
    queue: int

    def ticket_request(self, i: int):
        from bench.api import Request

        return Request(
            "POST",
            TICKETS_PATH,
            {
                "queue": self.queue,
                "title": f"{i % 40 + 1}号摄像头夜间黑屏",
                "description": "昨晚开始派出所门口3号摄像头出现黑屏，影响录像存储。已重启无效，"
                "请尽快派工程师到场。",
                "submitter_email": f"caller{i % 97}@customer.example",
                "priority": 3,
            },
        )


def _run(argv: list[str], **kwargs) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv[:4])}… failed ({result.returncode}):\n{result.stdout[-2000:]}"
            f"\n{result.stderr[-2000:]}"
        )
    return result.stdout


def _peer_database(database_url: str) -> str:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") + "_peer"
    return urlunsplit(parts._replace(path="/" + name))


def _create_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup(database_url: str, *, out: Path) -> Peer:
    """Install (once), generate the project, create and migrate its database, and return how
    to reach it."""
    home = out / "peer"
    venv = home / "venv"
    python = venv / "bin" / "python"
    stamp = venv / f".installed-{VERSION}"
    if not stamp.exists():
        print(f"peer: installing django-helpdesk {VERSION} into {venv} …", flush=True)
        _run([sys.executable, "-m", "venv", "--clear", str(venv)])
        uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
        if Path(uv).exists():
            _run([uv, "pip", "install", "-q", "--python", str(python), *PACKAGES])
        else:
            _run([str(python), "-m", "pip", "install", "-q", *PACKAGES])
        stamp.touch()
    project = home / "project"
    project.mkdir(parents=True, exist_ok=True)
    for name, text in {
        "settings.py": SETTINGS,
        "urls.py": URLS,
        "wsgi.py": WSGI,
        "manage.py": MANAGE,
        "timing.py": _timing_middleware(),
    }.items():
        (project / name).write_text(text)
    url = _peer_database(database_url)
    _create_database(url)
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}},
        "DJANGO_SETTINGS_MODULE": "settings",
        "PEER_DATABASE_URL": url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "PYTHONPATH": str(project),
    }
    _run([str(python), "manage.py", "migrate", "--noinput", "-v0"], cwd=project, env=env)
    answer = _run([str(python), "manage.py", "shell", "-c", SETUP], cwd=project, env=env)
    found = json.loads(answer.strip().splitlines()[-1])
    return Peer(
        version=VERSION,
        python=python,
        project=project,
        env=env,
        token=found["token"],
        queue=found["queue"],
    )
