"""The timeline is append-only: the model refuses changes, and so does the database."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from aftersales.cases import services
from aftersales.cases.models import ImmutableError, TimelineEntry


@pytest.fixture
def case(dispatcher, org_a):
    case = services.case_create(
        actor=dispatcher, organisation=org_a, title="交换机掉线", severity="P3", channel="phone"
    )
    return services.case_note(case=case, actor=dispatcher, body="已电话联系", visibility="public")


def test_the_model_refuses_to_update_or_delete_entries(case):
    entry = case.timeline.first()
    entry.kind = "note"
    with pytest.raises(ImmutableError):
        entry.save()
    with pytest.raises(ImmutableError):
        entry.delete()
    with pytest.raises(ImmutableError):
        TimelineEntry.objects.filter(case=case).update(kind="note")
    with pytest.raises(ImmutableError):
        TimelineEntry.objects.filter(case=case).delete()
    assert case.timeline.count() == 2


def test_the_database_refuses_an_update_behind_the_models_back(case):
    entry = case.timeline.first()
    with (
        pytest.raises((IntegrityError, DatabaseError), match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE cases_timelineentry SET kind = 'note' WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.kind == "created"


@pytest.mark.postgres
def test_postgresql_refuses_a_delete_behind_the_models_back(case):
    entry = case.timeline.first()
    with (
        pytest.raises((IntegrityError, DatabaseError), match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM cases_timelineentry WHERE id = %s", [entry.pk])
    assert TimelineEntry.objects.filter(pk=entry.pk).exists()


def test_entries_are_numbered_and_chained_per_case(case):
    first, second = case.timeline.order_by("seq")
    assert (first.seq, second.seq) == (1, 2)
    assert first.chain_hash != second.chain_hash
    case.refresh_from_db()
    assert case.timeline_head == second.chain_hash
