"""Appending to a case's timeline: the only way entries are written."""

import datetime as dt

from aftersales.audit import chain
from aftersales.cases.choices import EntryKind, Visibility
from aftersales.cases.models import Case, TimelineContent, TimelineEntry
from aftersales.search.services import case_reindex


def timeline_build(
    *,
    case: Case,
    kind: EntryKind | str,
    actor,
    at: dt.datetime,
    body: str = "",
    data: dict | None = None,
    visibility: Visibility | str = Visibility.PUBLIC,
) -> tuple[TimelineEntry, TimelineContent]:
    """Make the next entry of `case` (unsaved) and move the case's chain head onto it."""
    data = data or {}
    seq = case.timeline_count + 1
    author_id = actor.pk if actor is not None else None
    digest = chain.content_digest(body=body, data=data)
    chain_hash = chain.link(
        previous=case.timeline_head,
        case_number=case.number,
        seq=seq,
        kind=str(kind),
        visibility=str(visibility),
        author_id=author_id,
        created_at=at,
        digest=digest,
    )
    entry = TimelineEntry(
        case=case,
        seq=seq,
        kind=kind,
        visibility=visibility,
        author_id=author_id,
        created_at=at,
        digest=digest,
        chain_hash=chain_hash,
    )
    content = TimelineContent(entry=entry, body=body, data=data)
    case.timeline_head = chain_hash
    case.timeline_count = seq
    case.updated_at = at
    return entry, content


def timeline_save(*, case: Case, entry: TimelineEntry, content: TimelineContent) -> TimelineEntry:
    entry.case = case
    entry.save(force_insert=True)
    content.entry = entry
    content.save(force_insert=True)
    entry.content = content
    return entry


def timeline_append(*, case: Case, **kwargs) -> TimelineEntry:
    """Append one entry. The caller holds the case's row lock inside a transaction and saves
    the case afterwards (its timeline head, count and updated_at change here). The case's
    search document is written anew in the same transaction: what the entry says, or what a
    redaction removed, is searchable (or not) exactly when it is committed."""
    entry, content = timeline_build(case=case, **kwargs)
    saved = timeline_save(case=case, entry=entry, content=content)
    case_reindex(case_id=case.pk)
    return saved
