"""Notification texts: the administrators' templates, rendered with Django's template engine
from their strings, in the recipient's language and time zone.

Rendering never raises: a template missing in the recipient's language falls back to English,
one that fails to compile or render falls back to the next, and the last resort is a plain
built-in text. It runs inside the caller's transaction (a case action, the SLA sweep), which a
bad template must not break."""

import datetime as dt
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.utils import timezone, translation
from django.utils.functional import Promise

from aftersales.notifications.choices import (
    FALLBACK_LANGUAGE,
    ROBOT_CHANNELS,
    Event,
    TemplateChannel,
)
from aftersales.notifications.models import NotificationTemplate

logger = logging.getLogger(__name__)

# Every channel is text (email is sent as text/plain, robots take Markdown or text, the app
# escapes on display): nothing is HTML-escaped.
ENGINE = Engine(
    autoescape=False,
    libraries={"tz": "django.templatetags.tz", "l10n": "django.templatetags.l10n"},
)

SUBJECT_MAX = 255
BUILTIN_SUBJECT = "{{ event_label }}{% if case %}: {{ case.number }} {{ case.title }}{% endif %}"
BUILTIN_BODY = (
    "{{ event_label }}{% if case %}\n{{ case.number }} {{ case.title }}\n"
    "{{ case.organisation }}{% endif %}{% if url %}\n{{ url }}{% endif %}"
)


# Where a template uses the recipient only as `{{ recipient.name }}` or
# `{{ recipient.username }}`, the text is the same for every recipient but for those values:
# it is rendered once per message with these markers in their place, and the markers are
# replaced for each recipient (TemplateBook.render with `shared`). NUL never occurs in text
# stored in the database.
RECIPIENT_MARKERS = {"name": "\x00recipient.name\x00", "username": "\x00recipient.username\x00"}
_RECIPIENT_USE = re.compile(r"recipient")
_RECIPIENT_PLAIN = re.compile(r"\{\{\s*recipient\.(?:name|username)\s*\}\}")


def _recipient_plain_only(source: str) -> bool:
    """Whether a template's source names the recipient only in plain variables."""
    return len(_RECIPIENT_USE.findall(source)) == len(_RECIPIENT_PLAIN.findall(source))


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str


def template_channel(channel: str) -> str:
    """The template a channel's messages are written from: one for all chat robots."""
    return TemplateChannel.ROBOT if channel in ROBOT_CHANNELS else channel


def language_of(code: str | None) -> str:
    """A supported language for a user's or robot's setting, else the site's default."""
    for candidate in (code, settings.LANGUAGE_CODE, FALLBACK_LANGUAGE):
        if not candidate:
            continue
        try:
            return translation.get_supported_language_variant(candidate.lower())
        except LookupError:
            continue
    return FALLBACK_LANGUAGE


@lru_cache(maxsize=64)
def zone_of(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name or settings.TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(settings.TIME_ZONE)


def check_syntax(source: str) -> str | None:
    """The compile error of a template text, if it has one (for the admin form)."""
    try:
        ENGINE.from_string(source or "")
    except TemplateSyntaxError as exc:
        return str(exc)
    return None


def plain(value):
    """The context as plain data: templates never reach a model's methods, and lazy
    translations are resolved in the language active when this runs."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, models.Model | Promise):
        return str(value)
    return value


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def as_json(value) -> dict:
    """A JSON-safe copy of the context for the outbox row's payload."""
    return json.loads(json.dumps(value, cls=_Encoder))


def event_label(event: str) -> str:
    try:
        return str(Event(event).label)
    except ValueError:
        return event


class TemplateBook:
    """All templates of some events, read in one query and compiled once each."""

    def __init__(self, rows: Iterable[NotificationTemplate]):
        self._sources = {(t.event, t.channel, t.language): (t.subject, t.body) for t in rows}
        self._compiled: dict[tuple, tuple[Template, Template] | None] = {}
        self._builtin = (ENGINE.from_string(BUILTIN_SUBJECT), ENGINE.from_string(BUILTIN_BODY))
        self._shareable = {
            key: _recipient_plain_only(subject) and _recipient_plain_only(body)
            for key, (subject, body) in self._sources.items()
        }
        self._shareable[None] = True  # the built-in texts do not name the recipient

    @classmethod
    def load(cls, events: Iterable[str] | None = None) -> "TemplateBook":
        rows = NotificationTemplate.objects.all()
        if events is not None:
            rows = rows.filter(event__in=set(events))
        return cls(rows)

    def _compile(self, key: tuple) -> tuple[Template, Template] | None:
        if key not in self._compiled:
            source = self._sources.get(key)
            compiled = None
            if source is not None:
                try:
                    compiled = (ENGINE.from_string(source[0]), ENGINE.from_string(source[1]))
                except TemplateSyntaxError:
                    logger.exception("Notification template %s does not compile", key)
            self._compiled[key] = compiled
        return self._compiled[key]

    def render(
        self,
        *,
        event: str,
        channel: str,
        language: str,
        context: dict,
        zone: dt.tzinfo,
        shared: dict | None = None,
    ) -> Rendered:
        """Subject and body of `event` on `channel` in `language` (else English, else the
        built-in text), with times shown in `zone`.

        `shared`, a dict the caller keeps for one message to several recipients (the same
        context but for `recipient`), saves rendering the same text again for each of them
        where the template names the recipient only as a plain variable."""
        kind = template_channel(channel)
        languages = [language] if language == FALLBACK_LANGUAGE else [language, FALLBACK_LANGUAGE]
        for candidate in languages:
            key = (event, kind, candidate)
            templates = self._compile(key)
            if templates is None:
                continue
            rendered = self._render(templates, candidate, context, zone, key, shared)
            if rendered is not None:
                return rendered
        rendered = self._render(self._builtin, FALLBACK_LANGUAGE, context, zone, None, shared)
        return rendered or Rendered(subject=event_label(event), body="", language=language)

    def _render(
        self,
        templates: tuple[Template, Template],
        language: str,
        context: dict,
        zone,
        key: tuple | None,
        shared: dict | None,
    ) -> Rendered | None:
        recipient = context.get("recipient")
        if shared is None or not isinstance(recipient, dict) or not self._shareable.get(key):
            raw = self._render_raw(templates, language, context, zone)
        else:
            cache_key = (key, language, zone)
            if cache_key not in shared:
                # The context as plain data once per language (lazy labels resolve in it).
                plain_key = ("plain", language)
                if plain_key not in shared:
                    with translation.override(language):
                        shared[plain_key] = plain({**context, "recipient": RECIPIENT_MARKERS})
                shared[cache_key] = self._render_raw(
                    templates, language, shared[plain_key], zone, is_plain=True
                )
            raw = shared[cache_key]
            if raw is not None:
                raw = tuple(_unmark(text, recipient) for text in raw)
        if raw is None:
            return None
        subject, body = raw
        return Rendered(
            subject=" ".join(subject.split())[:SUBJECT_MAX], body=body.strip(), language=language
        )

    def _render_raw(
        self,
        templates: tuple[Template, Template],
        language: str,
        context: dict,
        zone,
        is_plain: bool = False,
    ) -> tuple[str, str] | None:
        try:
            with translation.override(language), timezone.override(zone):
                values = context if is_plain else plain(context)
                data = Context(
                    {**values, "event_label": event_label(context.get("event", ""))},
                    autoescape=False,
                )
                return templates[0].render(data), templates[1].render(data)
        except Exception:
            logger.exception("A notification template failed to render")
            return None


def _unmark(text: str, recipient: dict) -> str:
    for field, marker in RECIPIENT_MARKERS.items():
        if marker in text:
            text = text.replace(marker, str(recipient.get(field, "")))
    return text
