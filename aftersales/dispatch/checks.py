"""Startup checks of field service: the PDF font is where settings say."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Warning as CheckWarning
from django.core.checks import register


@register()
def pdf_font(app_configs=None, **kwargs):
    path = Path(settings.PDF_FONT)
    if path.is_file():
        return []
    return [
        CheckWarning(
            f"The PDF font {path} is missing: service reports and case documents cannot be "
            "made. Install it (apt-get install fonts-noto-cjk) or set PDF_FONT to a CJK "
            "OpenType font.",
            id="aftersales.W010",
        )
    ]
