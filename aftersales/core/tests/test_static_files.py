"""What collectstatic gathers, from the npm packages and the installed apps, loads nothing
from the internet: no file names an outside address in markup or a stylesheet, and what
would (the admin's unminified XRegExp, the unused Redoc bundle) is left out."""

import re

from django.apps import apps
from django.contrib.staticfiles.finders import get_finders

OUTSIDE = re.compile(
    rb"""(?:src|href)=\\?["']https?://|url\(["']?https?://|@import\s+["']https?://"""
)


def collected() -> dict[str, tuple[str, object]]:
    """Where collectstatic puts each file -> (its path in its storage, the storage)."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    files = {}
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            files[f"{prefix}/{path}" if prefix else path] = (path, storage)
    return files


def test_nothing_collected_loads_from_the_internet():
    files = collected()
    assert "vendor/htmx/htmx.min.js" in files and "admin/js/vendor/jquery/jquery.min.js" in files
    outside = []
    for name, (path, storage) in files.items():
        if not name.endswith((".js", ".css", ".html")):
            continue
        with storage.open(path) as handle:
            if OUTSIDE.search(handle.read()):
                outside.append(name)
    assert outside == []


def test_the_files_that_name_outside_addresses_are_left_out():
    files = collected()
    assert "admin/js/vendor/xregexp/xregexp.js" not in files
    assert "admin/js/vendor/xregexp/xregexp.min.js" in files  # what the admin loads
    assert not [path for path in files if path.startswith("drf_spectacular_sidecar/redoc/")]
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in files
