"""Record ids typed by people (filters, references by "id or code"): a value is an id only
when it is one the database could hold."""

MAX_ID = 2**63 - 1  # the largest value of a BigAutoField


def parse_id(value) -> int | None:
    """The id `value` spells, or None: ASCII digits only (str.isdigit() also takes "²",
    which int() refuses) and within the database's range (SQLite raises OverflowError on
    larger integers)."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
