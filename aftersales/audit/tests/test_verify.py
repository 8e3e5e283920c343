"""`aftersales audit verify`: passes on an honest history, names the first entry that was
altered, and accepts a redaction recorded as its own entry."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from aftersales.audit.services import audit_verify
from aftersales.cases import services
from aftersales.cases.models import TimelineContent
from aftersales.core.errors import Forbidden


@pytest.fixture
def history(dispatcher, engineer, org_a, team):
    cases = []
    for title in ("录像机硬盘报警", "光纤中断"):
        case = services.case_create(
            actor=dispatcher, organisation=org_a, title=title, severity="P2", channel="phone"
        )
        case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
        case = services.case_note(
            case=case, actor=engineer, body="管理员密码 admin123", visibility="internal"
        )
        cases.append(services.case_respond(case=case, actor=engineer))
    return cases


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_honest_history_verifies(history, capsys):
    report = audit_verify()
    assert report.first_mismatch is None
    assert (report.cases, report.entries) == (2, 8)
    call_command("audit", "verify")
    assert "OK: 2 cases, 8 entries verified (0 redacted)." in capsys.readouterr().out


def test_altered_content_is_named(history):
    note = history[1].timeline.get(seq=3)
    _raw("UPDATE cases_timelinecontent SET body = %s WHERE entry_id = %s", ["改过", note.pk])
    mismatch = audit_verify().first_mismatch
    assert str(mismatch) == (
        f"case {history[1].number} entry #3 (id {note.pk}): content does not match its digest"
    )
    with pytest.raises(CommandError, match=f"case {history[1].number} entry #3"):
        call_command("audit", "verify")


def test_removed_content_without_a_redaction_is_named(history):
    note = history[0].timeline.get(seq=3)
    _raw("DELETE FROM cases_timelinecontent WHERE entry_id = %s", [note.pk])
    mismatch = audit_verify().first_mismatch
    assert (mismatch.seq, mismatch.problem) == (3, "content missing without a redaction entry")


def test_a_forged_entry_breaks_the_chain(history, engineer):
    case = history[0]
    last = case.timeline.order_by("-seq").first()
    _raw(
        "INSERT INTO cases_timelineentry (case_id, seq, kind, visibility, author_id, created_at,"
        " digest, chain_hash) VALUES (%s, %s, 'note', 'public', %s, %s, %s, %s)",
        [case.pk, last.seq + 1, engineer.pk, last.created_at, last.digest, "f" * 64],
    )
    mismatch = audit_verify().first_mismatch
    assert mismatch.seq == last.seq + 1
    assert mismatch.problem in {
        "content missing without a redaction entry",
        "chain hash does not match",
    }


def test_a_redaction_removes_the_content_and_keeps_the_chain(history, admin_user):
    note = history[0].timeline.get(seq=3)
    redaction = services.entry_redact(entry=note, actor=admin_user, reason="粘贴了密码")
    assert not TimelineContent.objects.filter(entry=note).exists()
    assert redaction.kind == "redaction" and redaction.data == {"entry": note.pk, "seq": 3}
    report = audit_verify()
    assert report.first_mismatch is None and report.redacted == 1


def test_only_administrators_redact(history, dispatcher):
    note = history[0].timeline.get(seq=3)
    with pytest.raises(Forbidden, match="Only an administrator redacts."):
        services.entry_redact(entry=note, actor=dispatcher, reason="x")
    assert TimelineContent.objects.filter(entry=note).exists()
