"""The zh-Hans catalogues: complete, placeholders intact, the committed .mo compiled from the
committed .po, in step with the source's translatable strings, and the translations in use where
the UI, the API and the timeline speak."""

import ast
import datetime as dt
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

import aftersales
from aftersales.cases import services
from aftersales.cases.choices import Status
from aftersales.cases.transitions import Action
from aftersales.core.errors import ValidationError

PACKAGE = Path(aftersales.__file__).parent
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
# The project's catalogue and those of apps that keep their own (notifications): makemessages
# writes a string to the catalogue of the nearest locale folder above its source file.
CATALOGUES = [CATALOGUE, *sorted(PACKAGE.glob("*/locale/zh_Hans/LC_MESSAGES"))]
# What `make messages` leaves out of the catalogues; keep in step with the Makefile.
MAKEMESSAGES_IGNORE = ["settings/*", "*/tests/*"]
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")

# The placeholders a translation must keep, each with its conversion spec.
PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]"  # %(name)s, %(seconds).1f
    r"|%[-#0 +]*\d*(?:\.\d+)?[sdif]"  # %s, %d
    r"|\{\w*\}"  # {name}, {}
)


class Entry:
    def __init__(self):
        self.flags: set[str] = set()
        self.msgctxt: str | None = None
        self.msgid = ""
        self.msgid_plural: str | None = None
        self.msgstr: dict[int, str] = {}

    def __repr__(self):
        return f"<{self.msgid!r}>"


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header included (msgid ""), obsolete ones left out. Enough
    of the format for what makemessages writes: flags, msgctxt, plurals, continued strings."""
    entries: list[Entry] = []
    entry: Entry | None = None
    field = ""

    def begin() -> Entry:
        entries.append(Entry())
        return entries[-1]

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry is None or entry.msgstr:
                entry, field = begin(), ""
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
        else:
            field, _, quoted = line.partition(" ")
            value = ast.literal_eval(quoted)
            if field in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
                entry = begin()
        assert entry is not None, line
        if field == "msgctxt":
            entry.msgctxt = (entry.msgctxt or "") + value
        elif field == "msgid":
            entry.msgid += value
        elif field == "msgid_plural":
            entry.msgid_plural = (entry.msgid_plural or "") + value
        else:
            index = int(field[7:-1]) if field.startswith("msgstr[") else 0
            entry.msgstr[index] = entry.msgstr.get(index, "") + value
    return entries


def messages_of(entries: list[Entry]) -> dict:
    """The entries as gettext.GNUTranslations keys them: msgid, or (msgid, n) for plurals,
    prefixed with "msgctxt\\x04" under a context."""
    catalogue = {}
    for entry in entries:
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            catalogue[msgid] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                catalogue[(msgid, index)] = text
    return catalogue


def without_creation_date(catalogue: dict) -> dict:
    """msgfmt leaves the POT-Creation-Date header out of the .mo (reproducible builds)."""
    header = re.sub(r"^POT-Creation-Date: .*\n", "", catalogue.get("", ""), flags=re.M)
    return {**catalogue, "": header}


def mo_messages(path: Path) -> dict:
    with path.open("rb") as handle:
        return without_creation_date(dict(gettext.GNUTranslations(handle)._catalog))


@pytest.fixture(
    scope="module",
    params=CATALOGUES,
    ids=[str(path.relative_to(PACKAGE).parent.parent) for path in CATALOGUES],
)
def catalogue(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def entries(catalogue):
    return parse_po(catalogue / "django.po")


@pytest.fixture(scope="module")
def messages(entries):
    return [e for e in entries if e.msgid]


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_the_catalogues_are_found():
    assert CATALOGUE.is_dir() and PACKAGE / "notifications/locale/zh_Hans/LC_MESSAGES" in CATALOGUES
    for path in CATALOGUES:
        assert (path / "django.po").is_file() and (path / "django.mo").is_file(), path


def test_the_parser_reads_the_whole_catalogue():
    entries = parse_po(PO)
    messages = [e for e in entries if e.msgid]
    assert entries[0].msgid == "" and len(messages) == len(entries) - 1
    assert len(messages) > 500
    assert len({(e.msgctxt, e.msgid) for e in messages}) == len(messages)
    assert any(e.msgid_plural for e in messages)


def test_the_header_declares_one_plural_form_and_utf8(entries):
    header = entries[0].msgstr[0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header
    assert "Content-Type: text/plain; charset=UTF-8\n" in header
    assert "Language: zh_Hans\n" in header


def test_every_message_is_translated_and_none_is_fuzzy(entries, messages):
    assert not [e for e in entries if "fuzzy" in e.flags]
    assert not [e for e in messages if not all(text.strip() for text in e.msgstr.values())]
    plurals = [e for e in messages if e.msgid_plural is not None]
    assert not [e for e in plurals if sorted(e.msgstr) != [0]], "zh-Hans has one plural form"
    assert not [e for e in messages if e.msgid_plural is None and sorted(e.msgstr) != [0]]


def test_translations_keep_the_placeholders_of_the_source(messages):
    wrong = []
    for entry in messages:
        sources = {entry.msgid} | ({entry.msgid_plural} if entry.msgid_plural else set())
        expected = {tuple(placeholders(source)) for source in sources}
        for text in entry.msgstr.values():
            if tuple(placeholders(text)) not in expected:
                wrong.append((entry.msgid, text))
    assert not wrong


def test_python_format_flags_match_the_placeholders(messages):
    """makemessages flags the strings Python formats with %; each such translation must
    format with the same mapping as its source."""
    for entry in messages:
        if "python-format" not in entry.flags:
            continue
        names = dict.fromkeys(re.findall(r"%\(([^)]+)\)", entry.msgid), 1)
        if not names:
            continue
        for text in entry.msgstr.values():
            text % names  # raises on a broken or extra placeholder


def test_the_committed_mo_holds_the_committed_po(catalogue, entries):
    """A .po edited without compilemessages ships stale Chinese: the .mo must carry exactly
    the .po's translations."""
    assert mo_messages(catalogue / "django.mo") == without_creation_date(messages_of(entries))


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_the_committed_mo_is_what_msgfmt_compiles(catalogue, tmp_path):
    compiled = tmp_path / "django.mo"
    result = subprocess.run(  # noqa: S603 (fixed arguments, our own files)
        [shutil.which("msgfmt"), "--check", "-o", str(compiled), str(catalogue / "django.po")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert mo_messages(catalogue / "django.mo") == mo_messages(compiled)


def message_keys(path: Path) -> set[tuple]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in parse_po(path) if e.msgid}


@pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in GETTEXT_TOOLS),
    reason=f"makemessages needs GNU gettext ({', '.join(GETTEXT_TOOLS)}); apt-get install gettext",
)
def test_the_catalogues_hold_every_translatable_string_of_the_source(
    tmp_path, settings, monkeypatch
):
    """A string added to the source without `make messages` shows in English to Chinese users.
    Run makemessages as the Makefile does, over a copy of the sources with empty catalogues, and
    compare the messages it finds with the committed catalogues."""
    copy = tmp_path / "aftersales"

    def left_out(folder: str, names: list[str]) -> set[str]:
        return {n for n in names if n == "__pycache__" or n.endswith((".po", ".mo", ".pot"))}

    shutil.copytree(PACKAGE, copy, ignore=left_out)
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command(
        "makemessages",
        locale=["zh_Hans"],
        ignore_patterns=MAKEMESSAGES_IGNORE,
        no_location=True,
        no_obsolete=True,
        verbosity=0,
    )

    missing = {}
    for path in CATALOGUES:
        relative = path.relative_to(PACKAGE)
        found = message_keys(copy / relative / "django.po")
        assert len(found) > 0.9 * len(message_keys(path / "django.po")), "extraction failed"
        lacking = found - message_keys(path / "django.po")
        for context, msgid, _plural in sorted(lacking, key=lambda key: (key[1], key[0] or "")):
            missing.setdefault(str(relative), []).append(
                f"{msgid!r}" + (f" (context {context!r})" if context else "")
            )
    assert not missing, (
        "Translatable strings of the source are not in the committed catalogues: run "
        "`make messages`, translate them (scripts/po_batch.py) and commit the .po and .mo.\n"
        + "\n".join(f"{where}: {', '.join(msgids)}" for where, msgids in missing.items())
    )


# --- the translations in use --------------------------------------------------------------


def test_labels_translate():
    with translation.override("zh-hans"):
        assert str(Status.RESOLVED.label) == "已解决"
        assert str(Action.CLOSE.label) == "关闭工单"
        assert str(Action.NOTE.label) == "添加备注"
    with translation.override("en"):
        assert str(Status.RESOLVED.label) == "Resolved"


@pytest.mark.parametrize(
    ("language", "units"),
    [("zh-hans", ("天", "小时", "分钟")), ("en", ("d", "h", "m"))],
)
def test_the_countdowns_units_come_in_the_pages_language(client, engineer, language, units):
    """The SLA countdowns are drawn in the browser from units the page carries."""
    client.force_login(engineer)
    page = client.get(reverse("workspace:my-work"), HTTP_ACCEPT_LANGUAGE=language).text
    day, hour, minute = units
    assert f'data-unit-day="{day}" data-unit-hour="{hour}" data-unit-minute="{minute}"' in page


def test_a_service_refusal_speaks_chinese(dispatcher, org_a):
    future = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        services.case_create(
            actor=dispatcher,
            organisation=org_a,
            title="t",
            severity="P3",
            channel="phone",
            reported_at=future,
        )
    assert refused.value.field == "reported_at"
    assert str(refused.value) == "报障时间不能晚于当前时间。"
    with translation.override("zh-hans"):
        assert translation.gettext("The report time cannot be in the future.") == str(refused.value)


def test_the_case_page_speaks_chinese(dispatcher, org_a, asset_a):
    case = services.case_create(
        actor=dispatcher,
        organisation=org_a,
        title="3号摄像头夜间黑屏",
        severity="P2",
        channel="phone",
        assets=[asset_a],
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(dispatcher)

    response = client.get(reverse("workspace:case", args=[case.number]))

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    body = response.content.decode()
    assert "添加备注" in body and "Add a note" not in body
    assert "新建" in body  # the status badge
    assert "P2 二级 – 功能严重受损" in body
    assert "工单已创建（电话），故障级别 P2" in body  # the timeline


def test_the_field_service_parts_and_portal_pages_speak_chinese(
    dispatcher, customer, org_a, asset_a
):
    case = services.case_create(
        actor=dispatcher,
        organisation=org_a,
        title="3号摄像头夜间黑屏",
        severity="P3",
        channel="phone",
        assets=[asset_a],
    )
    staff = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    staff.force_login(dispatcher)
    page = staff.get(reverse("workspace:case", args=[case.number])).content.decode()
    assert "派工" in page and "Dispatch a visit" not in page
    assert "满意度与回访" in page and "Satisfaction and revisits" not in page
    panel = staff.get(reverse("rma:case-panel", args=[case.number])).content.decode()
    assert "预留备件" in panel and "Reserve a part" not in panel

    portal = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    portal.force_login(customer)
    form = portal.get(reverse("portal:new")).content.decode()
    assert "对您的业务影响有多大？" in form and "How badly is your work affected?" not in form
    home = portal.get(reverse("portal:home")).content.decode()
    assert "新建服务请求" in home and "New request" not in home
