"""Exports: asked for on a page, written by the worker in batches with their progress, and
downloaded by their owner only; the rows are exactly those the list showed its owner."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.cases.tests.factories import case_in_state, open_case
from aftersales.core.clock import frozen, now
from aftersales.core.errors import Conflict, Forbidden, NotFound, ValidationError
from aftersales.exports import services
from aftersales.exports.choices import ExportStatus
from aftersales.exports.models import ExportJob
from aftersales.exports.registry import kind_get
from aftersales.sla.sweep import sla_sweep

pytestmark = pytest.mark.usefixtures("media")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    return settings.MEDIA_ROOT


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Ask for an export and let the worker (immediate in tests) write it."""

    def start(owner, query="", kind="case_list"):
        with django_capture_on_commit_callbacks(execute=True):
            job = services.export_start(owner=owner, kind=kind, params={"query": query})
        job.refresh_from_db()
        return job

    return start


def workbook_rows(job) -> list[tuple]:
    with job.file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    return list(book.active.iter_rows(values_only=True))


def downloaded_rows(response) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def cases(org_a, org_b, dispatcher, engineer, manager, team):
    made = {}
    made["a_new"] = open_case(actor=dispatcher, organisation=org_a, severity="P1", title="A 新")
    made["a_done"] = case_in_state(
        "closed",
        organisation=org_a,
        dispatcher=dispatcher,
        engineer=engineer,
        manager=manager,
        title="A 已关闭",
    )
    made["b_new"] = open_case(actor=dispatcher, organisation=org_b, severity="P2", title="B 新")
    return made


def test_an_export_holds_exactly_the_filtered_rows_in_the_lists_order(run, dispatcher, cases):
    job = run(dispatcher, "status=new&sort=severity")
    assert (job.status, job.done, job.total, job.percent) == (ExportStatus.DONE, 2, 2, 100)
    rows = workbook_rows(job)
    assert rows[0][:6] == (
        "Number",
        "Title",
        "Organisation code",
        "Organisation",
        "Severity",
        "State",
    )
    assert [r[0] for r in rows[1:]] == [cases["a_new"].number, cases["b_new"].number]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Title"] == "A 新" and first["Organisation code"] == "HDGA"
    assert first["State"] == "New" and first["Severity"] == "P1"
    assert isinstance(first["Reported at"], dt.datetime)
    assert job.filename.startswith("cases-") and job.filename.endswith(".xlsx")


def test_closed_cases_carry_their_times_and_breaches(run, dispatcher, cases):
    job = run(dispatcher, "status=closed")
    header, row = workbook_rows(job)
    record = dict(zip(header, row, strict=True))
    assert record["Number"] == cases["a_done"].number
    assert record["Owner"] == str(cases["a_done"].assignee)
    assert record["Team"] == "现场服务组"
    assert isinstance(record["Resolved at"], dt.datetime)
    assert isinstance(record["Closed at"], dt.datetime)
    assert record["Breached clocks"] is None  # nothing breached


def test_breached_clocks_are_named(run, dispatcher, org_a):
    case = open_case(actor=dispatcher, organisation=org_a, severity="P1")
    sla_sweep(now=now() + dt.timedelta(days=10))
    header, row = workbook_rows(run(dispatcher, "severity=P1"))
    record = dict(zip(header, row, strict=True))
    assert record["Number"] == case.number
    # The default policy's P1 targets: response and resolution (cause has none).
    assert record["Breached clocks"] == "First response, Resolution"


def test_the_export_speaks_the_language_it_was_asked_in(run, dispatcher, cases):
    from django.utils import translation

    with translation.override("zh-hans"):
        job = run(dispatcher, "status=new")
    header = workbook_rows(job)[0]
    assert header[0] == "工单号"
    assert job.language == "zh-hans"


def test_a_customer_export_holds_only_its_organisations_cases(run, customer, cases):
    job = run(customer, "")
    numbers = {r[0] for r in workbook_rows(job)[1:]}
    assert numbers == {cases["a_new"].number, cases["a_done"].number}


def test_a_customer_cannot_name_another_organisation(run, customer, cases):
    with pytest.raises(ValidationError, match="Unknown organisation “RMYY”"):
        run(customer, "organisation=RMYY")
    assert not ExportJob.objects.exists()


def test_bad_filters_are_refused_when_asked_not_in_the_worker(run, dispatcher):
    with pytest.raises(ValidationError, match="State: Unknown value “bogus”."):
        run(dispatcher, "status=bogus")
    assert not ExportJob.objects.exists()


def test_an_unknown_kind_is_not_found(run, dispatcher):
    with pytest.raises(NotFound, match="Unknown kind of export"):
        run(dispatcher, kind="everything")


def test_someone_without_a_role_may_not_export(run, db):
    from aftersales.accounts.tests.factories import UserFactory

    nobody = UserFactory(username="nobody", roles=[])
    with pytest.raises(Forbidden, match="You may not make this export."):
        run(nobody)


def test_too_many_exports_under_way_at_once(dispatcher, settings):
    settings.EXPORT_MAX_UNFINISHED = 2
    for _ in range(2):  # queued: their commit never came in this test
        services.export_start(owner=dispatcher, kind="case_list", params={"query": ""})
    with pytest.raises(Conflict, match="You have 2 exports under way already"):
        services.export_start(owner=dispatcher, kind="case_list", params={"query": ""})
    assert ExportJob.objects.count() == 2


def test_progress_is_written_batch_by_batch(run, dispatcher, org_a, monkeypatch):
    for _ in range(5):
        open_case(actor=dispatcher, organisation=org_a)
    seen = []
    original = ExportJob.objects.filter

    def spy(*args, **kwargs):
        queryset = original(*args, **kwargs)
        real_update = queryset.update

        def update(**fields):
            if "done" in fields:
                seen.append(fields["done"])
            return real_update(**fields)

        queryset.update = update
        return queryset

    monkeypatch.setattr(services, "BATCH", 2)
    monkeypatch.setattr(ExportJob.objects, "filter", spy)
    job = run(dispatcher)
    assert seen == [2, 4, 5, 5]  # after each batch, then the finished job
    assert [r[0] for r in workbook_rows(job)[1:]] == sorted(
        (r[0] for r in workbook_rows(job)[1:]), reverse=True
    )


def test_a_failure_is_recorded_with_a_message_and_no_file(run, dispatcher, cases, monkeypatch):
    kind = kind_get("case_list")

    def broken(**kwargs):
        raise RuntimeError("disk on fire")
        yield []

    monkeypatch.setattr(kind, "rows", broken)
    job = run(dispatcher)
    assert job.status == ExportStatus.FAILED and not job.file
    assert "Something went wrong while writing the file" in job.error
    assert "disk on fire" not in job.error  # details go to the log, not to the page


def test_more_rows_than_a_sheet_holds_fails_clearly(run, dispatcher, cases, settings):
    settings.EXPORT_MAX_ROWS = 2
    job = run(dispatcher)
    assert job.status == ExportStatus.FAILED
    assert job.error == (
        "3 rows are more than an export holds (2). Narrow the filters and export again."
    )


def test_text_stays_text(run, dispatcher, org_a):
    open_case(actor=dispatcher, organisation=org_a, title='=HYPERLINK("http://evil","x")\x07')
    open_case(actor=dispatcher, organisation=org_a, title="#N/A")
    rows = workbook_rows(run(dispatcher))
    titles = {r[1] for r in rows[1:]}
    assert titles == {'=HYPERLINK("http://evil","x")', "#N/A"}
    with ExportJob.objects.get().file.open("rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    cells = [row[1] for row in book.active.iter_rows(min_row=2)]
    assert {cell.data_type for cell in cells} == {"s"}


def test_a_job_queued_twice_is_written_once(dispatcher, cases, django_capture_on_commit_callbacks):
    job = services.export_start(owner=dispatcher, kind="case_list", params={"query": ""})
    assert services.export_run(job_id=job.pk).status == ExportStatus.DONE
    assert services.export_run(job_id=job.pk) is None


def test_tidy_fails_stale_runs_requeues_lost_ones_and_deletes_old_files(run, dispatcher, cases):
    done = run(dispatcher)
    path = done.file.path
    stale = ExportJob.objects.create(
        owner=dispatcher,
        kind="case_list",
        status=ExportStatus.RUNNING,
        created_at=now(),
        updated_at=now() - dt.timedelta(minutes=30),
    )
    lost = ExportJob.objects.create(
        owner=dispatcher,
        kind="case_list",
        created_at=now(),
        updated_at=now() - dt.timedelta(minutes=5),
    )
    with frozen(now() + dt.timedelta(days=8)):
        report = services.exports_tidy()
    assert report == {"stale": 1, "requeued": 1, "deleted": 1}
    stale.refresh_from_db()
    assert stale.status == ExportStatus.FAILED and "worker stopped" in stale.error
    lost.refresh_from_db()
    assert lost.status == ExportStatus.DONE  # written when queued again
    assert not ExportJob.objects.filter(pk=done.pk).exists()
    import os

    assert not os.path.exists(path)


# --- the pages -------------------------------------------------------------------------------


def test_export_from_the_list_page_then_download(
    client, dispatcher, cases, django_capture_on_commit_callbacks
):
    client.force_login(dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:start"), {"kind": "case_list", "query": "organisation=HDGA"}
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:detail", args=[job.pk])
    page = client.get(response.url)
    body = page.content.decode()
    assert "Organisation (code): HDGA" in body
    assert reverse("exports:download", args=[job.pk]) in body
    assert "/cases/?organisation=HDGA" in body  # back to the list it came from
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert {r[0] for r in downloaded_rows(download)[1:]} == {
        cases["a_new"].number,
        cases["a_done"].number,
    }


def test_a_refused_export_says_why_on_the_page_it_came_from(client, dispatcher):
    client.force_login(dispatcher)
    response = client.post(
        reverse("exports:start"),
        {"kind": "case_list", "query": "severity=P9"},
        HTTP_REFERER="http://testserver/cases/?severity=P9",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "http://testserver/cases/?severity=P9"
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["The filters are not valid: Severity: Unknown value “P9”."]
    assert not ExportJob.objects.exists()


def test_the_progress_fragment_polls_until_done(client, dispatcher, cases):
    job = services.export_start(owner=dispatcher, kind="case_list", params={"query": ""})
    client.force_login(dispatcher)
    waiting = client.get(reverse("exports:progress", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "Queued" in waiting
    services.export_run(job_id=job.pk)
    finished = client.get(reverse("exports:progress", args=[job.pk])).content.decode()
    assert "hx-trigger" not in finished and "3 of 3 rows" in finished
    client.logout()
    assert client.get(reverse("exports:progress", args=[job.pk])).status_code == 401


def test_a_failed_export_can_be_tried_again(
    client, dispatcher, cases, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_MAX_ROWS = 1
    client.force_login(dispatcher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("exports:start"), {"kind": "case_list", "query": ""})
    failed = ExportJob.objects.get()
    body = client.get(reverse("exports:detail", args=[failed.pk])).content.decode()
    assert "Narrow the filters" in body and 'data-testid="export-again"' in body
    assert client.get(reverse("exports:download", args=[failed.pk])).status_code == 404
    settings.EXPORT_MAX_ROWS = 100
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:again", args=[failed.pk]))
    again = ExportJob.objects.exclude(pk=failed.pk).get()
    assert response.url == reverse("exports:detail", args=[again.pk])
    assert again.status == ExportStatus.DONE and again.params == failed.params


@pytest.mark.parametrize("who", ["engineer", "customer", "customer_b", "admin_user"])
def test_only_the_owner_sees_or_downloads_an_export(client, run, dispatcher, cases, who, request):
    job = run(dispatcher)
    client.force_login(request.getfixturevalue(who))
    for name in ("exports:detail", "exports:progress", "exports:download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404, name
    assert client.post(reverse("exports:again", args=[job.pk])).status_code == 404
    assert not [j for j in client.get(reverse("exports:list")).context["jobs"] if j.pk == job.pk]


def test_signed_out_visitors_are_sent_to_sign_in(client, run, dispatcher, cases):
    job = run(dispatcher)
    response = client.get(reverse("exports:download", args=[job.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_export_page_runs_a_fixed_number_of_queries(client, run, dispatcher, org_a):
    client.force_login(dispatcher)
    open_case(actor=dispatcher, organisation=org_a)
    small = run(dispatcher, "organisation=HDGA&status=new")
    for _ in range(30):
        open_case(actor=dispatcher, organisation=org_a)
    large = run(dispatcher, "organisation=HDGA&status=new")
    assert large.done == 31

    def count(name, job):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name, args=[job.pk])).status_code == 200
        return len(queries)

    assert count("exports:detail", small) == count("exports:detail", large) <= 12
    assert count("exports:progress", small) == count("exports:progress", large) <= 4
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("exports:list")).status_code == 200
    assert len(queries) <= 5


def test_writing_an_export_reads_a_bounded_number_of_rows_at_once(
    run, dispatcher, org_a, monkeypatch
):
    for _ in range(7):
        open_case(actor=dispatcher, organisation=org_a)
    monkeypatch.setattr(services, "BATCH", 3)
    with CaptureQueriesContext(connection) as queries:
        job = run(dispatcher)
    assert job.done == 7
    case_reads = [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "cases_case"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert len(case_reads) == 3 and all("LIMIT 3" in sql for sql in case_reads)


def test_the_kind_describes_its_filters(dispatcher, cases, engineer):
    kind = kind_get("case_list")
    text = kind.describe(
        user=dispatcher,
        params={
            "query": "status=new&status=assigned&severity=P1&assignee=-&reported_from=2026-11-01"
        },
    )
    assert text == (
        "State: New, Assigned; Severity: P1 – system down; Owner: nobody yet; "
        "Reported: 2026-11-01 – …"
    )
    assert kind.describe(user=dispatcher, params={"query": ""}) == "All cases you may see"


def test_a_customer_exports_from_the_portal_and_gets_only_its_requests(
    client, customer, customer_b, cases, django_capture_on_commit_callbacks
):
    client.force_login(customer)
    home = client.get(reverse("portal:home")).content.decode()
    assert 'data-testid="export-form"' in home and reverse("exports:start") in home
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("exports:start"), {"kind": "case_list", "query": ""})
    job = ExportJob.objects.get(owner=customer)
    assert response.url == reverse("exports:detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert 'href="/portal/"><i class="ti ti-arrow-left' in page  # back to the portal
    download = client.get(reverse("exports:download", args=[job.pk]))
    assert {r[0] for r in downloaded_rows(download)[1:]} == {
        cases["a_new"].number,
        cases["a_done"].number,
    }
    client.force_login(customer_b)
    assert client.get(reverse("exports:detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
