"""Two people reserving the last unit at once, on PostgreSQL with two connections: the stock
row's lock makes one wait for the other; one gets the unit, the other a clear refusal, and
the stock never goes negative."""

import threading

import pytest
from django.db import connection
from django.utils import translation

from aftersales.core.errors import Conflict
from aftersales.rma import services
from aftersales.rma.models import Reservation, Stock, StockMove
from aftersales.rma.tests.factories import stock_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*targets):
    """Run the targets at the same moment, each in its own thread and connection; return
    what each returned or raised."""
    start = threading.Barrier(len(targets))
    results: dict = {}

    def run(key, target):
        try:
            start.wait(timeout=10)
            with translation.override("en"):  # a new thread speaks the default language
                results[key] = target()
        except Exception as exc:  # reported by the test
            results[key] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(key, target)) for key, target in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return [results[key] for key in range(len(targets))]


def test_two_people_reserving_the_last_unit_one_wins(
    engineer, engineer2, warehouse, psu, case_a, case_b
):
    stock_of(psu, warehouse, 1)

    def reserve(actor, case):
        return lambda: services.stock_reserve(
            part=psu, quantity=1, location=warehouse, actor=actor, case=case
        )

    results = race(reserve(engineer, case_a), reserve(engineer2, case_b))

    won = [r for r in results if isinstance(r, Reservation)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == len(lost) == 1, results
    assert isinstance(lost[0], Conflict)
    assert str(lost[0]) == (
        "Only 0 of PSU-12V-60W available at 北京总库 (1 on hand, 1 reserved); 1 asked. "
        "Nothing was changed."
    )
    stock = Stock.objects.get(part=psu, location=warehouse)
    assert (stock.on_hand, stock.reserved) == (1, 1)
    assert StockMove.objects.filter(kind="reserve").count() == 1


def test_many_people_consuming_at_once_never_overdraw(
    engineer, engineer2, dispatcher, warehouse, psu, case_a, case_b
):
    stock_of(psu, warehouse, 3)

    def consume(actor, case):
        return lambda: services.stock_consume(
            part=psu, quantity=1, location=warehouse, actor=actor, case=case
        )

    people = [(engineer, case_a), (engineer2, case_b), (dispatcher, case_a)] * 2
    results = race(*(consume(actor, case) for actor, case in people))

    assert sum(isinstance(r, list) for r in results) == 3, results
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, list))
    assert Stock.objects.get(part=psu, location=warehouse).on_hand == 0
    assert StockMove.objects.filter(kind="consume").count() == 3
