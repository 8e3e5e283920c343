"""The demo's knowledge base: articles the engineers wrote from closed cases, reviewed and
published by the expert, some for customers too, one still waiting for review. Called by
`aftersales demo` once the case stories have run."""

import datetime as dt

from aftersales.accounts.models import User
from aftersales.cases.choices import CaseType, Status
from aftersales.cases.models import Case
from aftersales.core.clock import frozen, now
from aftersales.knowledge import services
from aftersales.knowledge.choices import Audience

ARTICLES = 8  # from as many closed cases with different titles
PUBLIC_EVERY = 2  # every second article is for customers too


def knowledge_demo_create(*, users: dict[str, User]) -> int:
    """Write the articles, each the day after its case closed; returns how many."""
    seen: set[str] = set()
    cases = []
    for case in (
        Case.objects.filter(status=Status.CLOSED, case_type=CaseType.FAULT, assignee__isnull=False)
        .exclude(solution="")
        .select_related("assignee")
        .order_by("closed_at", "pk")
    ):
        if case.title not in seen:
            seen.add(case.title)
            cases.append(case)
    for index, case in enumerate(cases[:ARTICLES]):
        audience = Audience.PUBLIC if index % PUBLIC_EVERY == 0 else Audience.INTERNAL
        written = min(case.closed_at + dt.timedelta(hours=20), now() - dt.timedelta(hours=5))
        with frozen(written):
            article = services.article_from_case(case=case, actor=case.assignee, audience=audience)
            article = services.article_submit(article=article, actor=case.assignee)
        if index == ARTICLES - 1:
            break  # the last waits for the expert's review
        with frozen(written + dt.timedelta(hours=4)):
            reviewer = users["expert" if case.assignee != users["expert"] else "quality"]
            services.article_publish(article=article, actor=reviewer)
    return min(len(cases), ARTICLES)
