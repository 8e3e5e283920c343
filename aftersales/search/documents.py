"""What a case says, as a search document: A its title and number, B what the customer can
read on its timeline (the description is the first entry), C the names around it (customer,
caller, site, assets' serials, models and vendors), D its internal entries. Redacted entries
have no content, so their words leave the index with the next write."""

from collections import defaultdict

from aftersales.cases.choices import Visibility
from aftersales.cases.models import Case, TimelineContent
from aftersales.customers.models import Asset
from aftersales.search.backends import Document
from aftersales.search.text import tokens

# A case with a very long timeline keeps its first words of each part.
MAX_TOKENS_PER_PART = 4000


def _add(document: Document, weight: str, texts) -> None:
    part = document.parts[weight]
    for text in texts:
        if not text or len(part) >= MAX_TOKENS_PER_PART:
            continue
        part.extend(tokens(text))
        del part[MAX_TOKENS_PER_PART:]


CASE_FIELDS = (
    "id",
    "number",
    "title",
    "organisation_id",
    "organisation__name",
    "organisation__short_name",
    "organisation__code",
    "caller_name",
    "caller_organisation",
    "site__name",
    "vendor__name",
)


def case_documents(ids: list[int]) -> dict[int, Document]:
    """Documents of the cases `ids`, in three queries whatever their number."""
    rows = Case.objects.filter(pk__in=ids).values(*CASE_FIELDS)
    texts: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    contents = (
        TimelineContent.objects.filter(entry__case_id__in=ids)
        .exclude(body="")
        .order_by("entry__case_id", "entry__seq")
        .values_list("entry__case_id", "entry__visibility", "body")
    )
    for case_id, visibility, body in contents:
        texts[case_id]["B" if visibility == Visibility.PUBLIC else "D"].append(body)
    assets = (
        Asset.objects.filter(cases__in=ids)
        .values_list("cases", "serial_number", "name", "model__name", "model__vendor__name")
        .order_by()
    )
    for case_id, *words in assets:
        texts[case_id]["C"].extend(words)
    documents = {}
    for row in rows:
        pk = row["id"]
        document = Document(organisation_id=row["organisation_id"])
        _add(document, "A", [row["title"], row["number"]])
        _add(document, "B", texts[pk]["B"])
        _add(
            document,
            "C",
            [
                row["organisation__name"],
                row["organisation__short_name"],
                row["organisation__code"],
                row["caller_name"],
                row["caller_organisation"],
                row["site__name"],
                row["vendor__name"],
                *texts[pk]["C"],
            ],
        )
        _add(document, "D", texts[pk]["D"])
        documents[pk] = document
    return documents
