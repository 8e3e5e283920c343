"""Verifying the timeline's hash chains: every digest recomputed from stored content, every
link recomputed from the previous one. A redacted entry is accepted without content only when
a redaction entry of the same case names it."""

from collections.abc import Iterator
from dataclasses import dataclass

from aftersales.audit import chain
from aftersales.cases.choices import EntryKind
from aftersales.cases.models import Case, TimelineContent, TimelineEntry

BATCH = 2000


@dataclass(frozen=True)
class Mismatch:
    case_number: str
    seq: int
    entry_id: int | None
    problem: str

    def __str__(self) -> str:
        return f"case {self.case_number} entry #{self.seq} (id {self.entry_id}): {self.problem}"


@dataclass
class Report:
    cases: int = 0
    entries: int = 0
    redacted: int = 0
    first_mismatch: Mismatch | None = None


def _entries(case_ids: list[int]) -> Iterator[tuple[TimelineEntry, TimelineContent | None]]:
    entries = (
        TimelineEntry.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "seq")
        .values_list(
            "id",
            "case_id",
            "seq",
            "kind",
            "visibility",
            "author_id",
            "created_at",
            "digest",
            "chain_hash",
        )
    )
    contents = {
        row[0]: (row[1], row[2])
        for row in TimelineContent.objects.filter(entry__case_id__in=case_ids).values_list(
            "entry_id", "body", "data"
        )
    }
    for row in entries.iterator(chunk_size=BATCH):
        yield row, contents.get(row[0])


def _redacted_ids(case_ids: list[int]) -> set[int]:
    """Entries that redaction entries of the same cases name."""
    ids = set()
    for data in TimelineContent.objects.filter(
        entry__case_id__in=case_ids, entry__kind=EntryKind.REDACTION
    ).values_list("data", flat=True):
        if isinstance(data, dict) and isinstance(data.get("entry"), int):
            ids.add(data["entry"])
    return ids


def audit_verify(*, case_numbers: list[str] | None = None, progress=None) -> Report:
    """Check every case (or the named ones); stop at the first entry that does not match."""
    report = Report()
    cases = Case.objects.order_by("pk").values_list(
        "pk", "number", "timeline_head", "timeline_count"
    )
    if case_numbers:
        cases = cases.filter(number__in=case_numbers)
    batch: list[tuple] = []
    for row in cases.iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) >= 200:
            if _verify_batch(batch, report):
                return report
            batch = []
            if progress:
                progress(report)
    if batch:
        _verify_batch(batch, report)
    return report


def _verify_batch(cases: list[tuple], report: Report) -> bool:
    """Verify these cases; True when a mismatch was found (recorded in the report)."""
    by_id = {pk: (number, head, count) for pk, number, head, count in cases}
    redacted = _redacted_ids(list(by_id))
    previous: dict[int, str] = {}
    expected_seq: dict[int, int] = {}

    def fail(case_id: int, seq: int, entry_id: int | None, problem: str) -> bool:
        report.first_mismatch = Mismatch(by_id[case_id][0], seq, entry_id, problem)
        return True

    for row, content in _entries(list(by_id)):
        entry_id, case_id, seq, kind, visibility, author_id, created_at, digest, chain_hash = row
        number = by_id[case_id][0]
        report.entries += 1
        want = expected_seq.get(case_id, 0) + 1
        if seq != want:
            return fail(case_id, want, None, f"entry #{want} is missing")
        expected_seq[case_id] = seq
        if content is None:
            if entry_id not in redacted:
                return fail(case_id, seq, entry_id, "content missing without a redaction entry")
            report.redacted += 1
        elif chain.content_digest(body=content[0], data=content[1]) != digest:
            return fail(case_id, seq, entry_id, "content does not match its digest")
        link = chain.link(
            previous=previous.get(case_id, chain.GENESIS),
            case_number=number,
            seq=seq,
            kind=kind,
            visibility=visibility,
            author_id=author_id,
            created_at=created_at,
            digest=digest,
        )
        if link != chain_hash:
            return fail(case_id, seq, entry_id, "chain hash does not match")
        previous[case_id] = chain_hash
    for case_id, (_number, head, count) in by_id.items():
        report.cases += 1
        if expected_seq.get(case_id, 0) != count:
            return fail(case_id, count, None, "the case counts more entries than are stored")
        if previous.get(case_id, chain.GENESIS) != head:
            return fail(case_id, count, None, "the case's chain head does not match its last entry")
    return False
