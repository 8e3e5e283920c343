"""Case numbers stay unique when several processes create cases at once."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from aftersales.cases import services
from aftersales.cases.models import Case


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creators_get_distinct_numbers(dispatcher, org_a):
    def create(i: int) -> str:
        try:
            return services.case_create(
                actor=dispatcher, organisation=org_a, title=f"并发{i}", severity="P3", channel="api"
            ).number
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        numbers = list(pool.map(create, range(80)))
    assert len(set(numbers)) == 80
    assert Case.objects.count() == 80
    assert all(re.fullmatch(r"\d{8}-\d{6}", n) for n in numbers)
