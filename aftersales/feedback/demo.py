"""Feedback for the demo dataset: after the case stories ran (and each closing sent its survey
and booked its revisit), customers answer most surveys, the desk makes the revisit calls
that fell due, and the contracts' periodic revisits are booked. Everything goes through the
services with the clock frozen at its moment, as it would have happened."""

import datetime as dt
import random

from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.cases.models import TimelineEntry
from aftersales.core.clock import frozen
from aftersales.feedback import services
from aftersales.feedback.models import Revisit, Survey

RATINGS = [5] * 45 + [4] * 30 + [3] * 13 + [2] * 8 + [1] * 4
COMMENTS = {
    5: ["工程师很专业，处理及时，非常满意。", "响应很快，感谢！", ""],
    4: ["处理及时，态度很好。", "问题解决了，希望以后能提前电话告知到场时间。", ""],
    3: ["问题解决了，但等待时间较长。", ""],
    2: ["工程师第二天才到现场，影响了我们的工作。", "同样的问题已经出现过两次了。"],
    1: ["报修后很久没人联系，非常不满意。", "处理过程中没有任何进展通知。"],
}
REVISIT_NOTES = {
    True: ["回访：用户确认设备运行正常，对服务满意。", "用户表示满意，无其他问题。"],
    False: ["用户对上门时间不满意，希望加快响应。"],
    None: ["电话无人接听。", "用户在开会，稍后再联系。"],
}


def _last_entry_at(case_ids: set[int]) -> dict[int, dt.datetime]:
    last: dict[int, dt.datetime] = {}
    for case_id, at in TimelineEntry.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "created_at"
    ):
        last[case_id] = max(at, last.get(case_id, at))
    return last


def feedback_add(*, rng: random.Random, anchor: dt.datetime, desk: User) -> dict[str, int]:
    """Answer surveys, record most revisit calls due before `anchor` (not the last two
    days'), book periodic revisits. Only where the case's timeline has nothing later, so that
    it stays in time order."""
    counts = {"answers": 0, "calls": 0, "periodic": 0}
    surveys = list(Survey.objects.select_related("case").order_by("sent_at", "id"))
    revisits = list(
        Revisit.objects.filter(due_at__lte=anchor, done_at__isnull=True).order_by("due_at", "id")
    )
    last = _last_entry_at({s.case_id for s in surveys} | {r.case_id for r in revisits if r.case_id})
    for survey in surveys:
        if rng.random() > 0.7:
            continue
        at = survey.sent_at + dt.timedelta(minutes=rng.randint(30, 72 * 60))
        if at >= min(anchor, survey.expires_at) or last.get(survey.case_id, at) > at:
            continue
        rating = rng.choice(RATINGS)
        with frozen(at):
            services.survey_record_answer(
                survey=survey, rating=rating, comment=rng.choice(COMMENTS[rating])
            )
        last[survey.case_id] = at
        counts["answers"] += 1
    for revisit in revisits:
        # The last two days' calls, and a few older ones, are still to make.
        if revisit.due_at > anchor - dt.timedelta(days=2) or rng.random() < 0.05:
            continue
        at = revisit.due_at + dt.timedelta(minutes=rng.randint(0, 6 * 60))
        if at >= anchor or (revisit.case_id and last.get(revisit.case_id, at) > at):
            continue
        reached = rng.random() < 0.85
        satisfied = (rng.random() < 0.9) if reached else None
        with frozen(at):
            services.revisit_record(
                revisit=revisit,
                actor=desk,
                reached=reached,
                satisfied=satisfied,
                notes=rng.choice(REVISIT_NOTES[satisfied]),
            )
        if revisit.case_id:
            last[revisit.case_id] = at
        counts["calls"] += 1
    with frozen(anchor):
        counts["periodic"] = services.revisits_generate(today=timezone.localdate(anchor))
    return counts
