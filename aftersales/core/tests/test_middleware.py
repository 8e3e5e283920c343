import re

import pytest

SERVER_TIMING = re.compile(r"^app;dur=\d+\.\d$")


@pytest.mark.django_db
def test_every_response_says_how_long_the_app_took(client):
    response = client.get("/api/v1/cases/")

    assert response.status_code == 401
    assert SERVER_TIMING.match(response.headers["Server-Timing"])


def test_server_timing_is_added_to_what_a_view_set(rf):
    from django.http import HttpResponse

    from aftersales.core.middleware import ServerTimingMiddleware

    def view(request):
        response = HttpResponse("ok")
        response.headers["Server-Timing"] = "db;dur=1.0"
        return response

    response = ServerTimingMiddleware(view)(rf.get("/"))

    assert re.match(r"^db;dur=1\.0, app;dur=\d+\.\d$", response.headers["Server-Timing"])
