"""Static files: the chosen files of the npm packages, served from where npm installed them,
and a manifest storage that tolerates references a package does not ship (source maps)."""

from pathlib import Path

from django.contrib.staticfiles.finders import AppDirectoriesFinder as DjangoAppDirectoriesFinder
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Warning as CheckWarning
from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

from aftersales import env

# URL path under STATIC_URL -> file inside frontend/node_modules.
NPM_FILES = {
    "vendor/tabler/tabler.min.css": "@tabler/core/dist/css/tabler.min.css",
    "vendor/tabler/tabler.min.js": "@tabler/core/dist/js/tabler.min.js",
    "vendor/tabler-icons/tabler-icons.min.css": "@tabler/icons-webfont/dist/tabler-icons.min.css",
    "vendor/tabler-icons/fonts/tabler-icons.woff2": (
        "@tabler/icons-webfont/dist/fonts/tabler-icons.woff2"
    ),
    "vendor/tabler-icons/fonts/tabler-icons.woff": (
        "@tabler/icons-webfont/dist/fonts/tabler-icons.woff"
    ),
    "vendor/tabler-icons/fonts/tabler-icons.ttf": (
        "@tabler/icons-webfont/dist/fonts/tabler-icons.ttf"
    ),
    "vendor/htmx/htmx.min.js": "htmx.org/dist/htmx.min.js",
    "vendor/alpinejs/cdn.min.js": "alpinejs/dist/cdn.min.js",
    "vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js",
    "vendor/signature_pad/signature_pad.umd.min.js": (
        "signature_pad/dist/signature_pad.umd.min.js"
    ),
}


class NpmFinder(BaseFinder):
    """Finds the files listed in NPM_FILES inside frontend/node_modules."""

    def __init__(self, *args, **kwargs):
        self.root = env.FRONTEND_DIR / "node_modules"

    def _storage(self, url_path: str) -> tuple[str, FileSystemStorage]:
        source = self.root / NPM_FILES[url_path]
        storage = FileSystemStorage(location=str(source.parent))
        storage.prefix = str(Path(url_path).parent)
        return source.name, storage

    def check(self, **kwargs):
        missing = [p for p in NPM_FILES.values() if not (self.root / p).is_file()]
        if missing:
            return [
                CheckWarning(
                    f"Front-end packages are not installed ({len(missing)} files missing): "
                    "run `make install` (npm ci in frontend/).",
                    id="aftersales.W001",
                )
            ]
        return []

    def find(self, path, find_all=False, **kwargs):
        if path in NPM_FILES and (self.root / NPM_FILES[path]).is_file():
            found = str(self.root / NPM_FILES[path])
            return [found] if find_all else found
        return [] if find_all else None

    def list(self, ignore_patterns):
        for url_path, package_path in NPM_FILES.items():
            if (self.root / package_path).is_file():
                yield self._storage(url_path)


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            # A package's CSS may name a file it does not ship (a source map): keep the name.
            return name


# Files of the installed apps never collected: they name outside addresses and are never
# served. The admin's unminified XRegExp (in its documentation comments; the admin loads the
# minified copy unless DEBUG is on, and only for prepopulated fields, which no admin here
# has) and the Redoc bundle (its logo comes from a CDN; the API docs are Swagger UI).
NOT_COLLECTED = ("admin/js/vendor/xregexp/xregexp.js", "drf_spectacular_sidecar/redoc/*")


class AppDirectoriesFinder(DjangoAppDirectoriesFinder):
    """The apps' static files, less NOT_COLLECTED."""

    def list(self, ignore_patterns):
        return super().list([*(ignore_patterns or []), *NOT_COLLECTED])
