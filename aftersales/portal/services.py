"""What a customer does in the portal that takes more than one case service: open a request
with its files, add a note with its files. Each is one transaction over `cases.services`,
so a refused file leaves no half-written request or note behind."""

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.cases import services as cases
from aftersales.cases.choices import Channel, Visibility
from aftersales.cases.models import Case
from aftersales.core.errors import Forbidden, ValidationError
from aftersales.customers.models import Asset, Site


def request_open(
    *,
    actor: User,
    title: str,
    description: str,
    severity: str,
    site: Site | None = None,
    asset: Asset | None = None,
    uploads: Sequence[UploadedFile] = (),
) -> Case:
    """A customer contact opens a request for its organisation, from the web portal, as its
    own contact record."""
    if not actor.is_customer:
        raise Forbidden(_("Only a customer contact opens requests in the portal."))
    if asset is not None and site is not None and asset.site_id != site.pk:
        raise ValidationError(_("This device is not at the site you chose."), field="asset")
    with transaction.atomic():
        case = cases.case_create(
            actor=actor,
            organisation=actor.organisation,
            title=title,
            description=description,
            severity=severity,
            channel=Channel.PORTAL,
            site=site or (asset.site if asset else None),
            assets=[asset] if asset else [],
            contact=actor.contact,
        )
        for upload in uploads:
            cases.case_attach(case=case, actor=actor, upload=upload, visibility=Visibility.PUBLIC)
    return case


def request_note(
    *, case: Case, actor: User, body: str = "", uploads: Sequence[UploadedFile] = ()
) -> Case:
    """A note on the case, always visible to both sides, with its files."""
    body = (body or "").strip()
    if not body and not uploads:
        raise ValidationError(_("Write a note or add a file."), field="body")
    with transaction.atomic():
        if body:
            case = cases.case_note(case=case, actor=actor, body=body, visibility=Visibility.PUBLIC)
        for upload in uploads:
            attachment = cases.case_attach(
                case=case, actor=actor, upload=upload, visibility=Visibility.PUBLIC
            )
            case = attachment.case
    return case
