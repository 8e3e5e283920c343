"""Reads of the search index, scoped to the reader: a customer contact searches its own
organisation's cases and the public text of them only; staff search everything."""

import threading
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, Max, QuerySet, Value, When
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_queryset
from aftersales.core.errors import ValidationError
from aftersales.search.backends import ARTICLES, CASES, Scope, backend
from aftersales.search.backends.base import Mode
from aftersales.search.models import Synonym
from aftersales.search.text import MAX_QUERY_CHARS, Query, Synonyms, parse_query

# How many of the most recent matches are scored when a query matches more (see the
# PostgreSQL backend and docs/decisions/0008-search.md).
CANDIDATES = 500
MAX_RESULTS = 200
SIMILAR_GROUPS = 6

_synonyms_lock = threading.Lock()
_synonyms_cache: dict[str, object] = {"version": None, "synonyms": Synonyms()}


def synonyms() -> Synonyms:
    """The active synonym dictionary, read again when an administrator changed it (one small
    query per search tells)."""
    active = Synonym.objects.filter(is_active=True)
    version = tuple(active.aggregate(n=Count("id"), at=Max("updated_at")).values())
    with _synonyms_lock:
        if _synonyms_cache["version"] != version:
            _synonyms_cache["synonyms"] = Synonyms(s.word_list for s in active)
            _synonyms_cache["version"] = version
        return _synonyms_cache["synonyms"]  # type: ignore[return-value]


def query_parse(q: str) -> Query:
    q = (q or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise ValidationError(
            _("The search is too long: at most %(n)d characters.") % {"n": MAX_QUERY_CHARS},
            field="search",
        )
    return parse_query(q, synonyms())


def reader_scope(user: User, organisation_id: int | None = None) -> Scope | None:
    """What `user` may search; None: nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_customer:
        return Scope(organisation_id=user.organisation_id, public_only=True)
    if user.roles & STAFF:
        return Scope(organisation_id=organisation_id, public_only=False)
    return None


@dataclass(frozen=True)
class Hit:
    id: int
    score: float


def _rank(found: list[tuple[int, float]], limit: int) -> list[Hit]:
    found.sort(key=lambda hit: (-hit[1], -hit[0]))
    return [Hit(pk, score) for pk, score in found[:limit]]


def find(
    *, table: str, query: Query, scope: Scope, mode: Mode = "all", limit: int = MAX_RESULTS
) -> list[Hit]:
    """The best `limit` records of `table` for `query`, best first."""
    if not query:
        return []
    found = backend().candidates(table, query, scope, mode=mode, cap=CANDIDATES)
    return _rank(found, limit)


def case_search(
    *, user: User, q: str, organisation_id: int | None = None, limit: int = MAX_RESULTS
) -> list[Hit]:
    """Cases matching every word of `q` (or one of its synonyms), best first."""
    scope = reader_scope(user, organisation_id)
    if scope is None:
        return []
    return find(table=CASES, query=query_parse(q), scope=scope, limit=limit)


def ordered_by_hits(queryset: QuerySet, hits: list[Hit]) -> QuerySet:
    """`queryset` restricted to the hits, in their order."""
    ids = [hit.id for hit in hits]
    if not ids:
        return queryset.none()
    order = SqlCase(
        *[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return queryset.filter(pk__in=ids).order_by(order)


def case_search_queryset(
    *, user: User, q: str, queryset: QuerySet[Case] | None = None
) -> QuerySet[Case]:
    """The reader's cases matching `q`, best first (for the API's ?search= and pages)."""
    base = queryset if queryset is not None else case_queryset(user=user)
    return ordered_by_hits(base, case_search(user=user, q=q))


def _similar_query(text: str) -> Query:
    """The most telling words of a text (the longest), for suggestions."""
    query = query_parse(text[:MAX_QUERY_CHARS])
    groups = sorted(query.groups, key=lambda g: -max(len("".join(a)) for a in g.alternatives))
    return Query(tuple(groups[:SIMILAR_GROUPS]))


def similar_cases(
    *, user: User, text: str, exclude_id: int | None = None, limit: int = 5
) -> list[Case]:
    """Past cases like `text` (a title being typed, or a case's title and description)."""
    scope = reader_scope(user)
    if scope is None:
        return []
    hits = find(table=CASES, query=_similar_query(text), scope=scope, mode="any", limit=limit + 1)
    hits = [h for h in hits if h.id != exclude_id][:limit]
    return list(
        ordered_by_hits(case_queryset(user=user).select_related("organisation"), hits).only(
            "id", "number", "title", "status", "severity", "organisation__code"
        )
    )


def article_hits(*, user: User, q: str, mode: Mode = "all", limit: int = MAX_RESULTS) -> list[Hit]:
    """Knowledge articles matching `q`: the caller (knowledge.selectors) scopes them further
    by state and audience. Customers match the public text only."""
    scope = reader_scope(user)
    if scope is None:
        return []
    scope = Scope(organisation_id=None, public_only=scope.public_only)
    query = _similar_query(q) if mode == "any" else query_parse(q)
    return find(table=ARTICLES, query=query, scope=scope, mode=mode, limit=limit)
