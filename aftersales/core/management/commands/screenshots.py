"""`aftersales screenshots`: PNG pictures of the main pages, drawn by Chromium from the data
in the database (the demo dataset, loaded with `aftersales demo --password P`), into
docs/screenshots/. The pages are listed in aftersales/core/screenshots.py.

The app is served from a thread of this command on a free port of 127.0.0.1 for the time it
takes; each demo user signs in once through the sign-in page, as a person would."""

import shutil
import threading
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import BaseCommand, CommandError
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import Resolver404, resolve

from aftersales.core.browser import browser_sign_in
from aftersales.core.screenshots import SHOTS, Shot


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def serve() -> tuple[ThreadedWSGIServer, str]:
    """The app, with its static files, on a free port, answering from a thread."""
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def chromium_path(given: str | None) -> str:
    for path in (given, shutil.which("chromium"), "/usr/bin/chromium"):
        if path and Path(path).exists():
            return path
    raise CommandError(
        "Chromium was not found: install it with `apt-get install chromium` "
        "(Debian/Ubuntu) or give its path with --chromium."
    )


class Command(BaseCommand):
    help = "Write docs/screenshots/*.png of the main pages from the demo data in the database."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="docs/screenshots", help="Folder to write to.")
        parser.add_argument(
            "--password", required=True, help="The demo users' password (`demo --password`)."
        )
        parser.add_argument("--only", nargs="*", default=None, help="Names of the pictures.")
        parser.add_argument("--chromium", default=None, help="Path of the Chromium binary.")

    def handle(self, *args, out: str, password: str, only, chromium: str | None, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # whitenoise looks there
        executable = chromium_path(chromium)
        shots = self.addresses([s for s in SHOTS if not only or s.name in only])
        if not shots:
            raise CommandError("No picture to take.")
        # The database is read by the server's threads from here on; Playwright's event loop
        # in this thread would refuse synchronous queries anyway.
        connections.close_all()
        server, base_url = serve()
        try:
            self.draw(shots, folder, base_url, password, executable)
        finally:
            server.shutdown()
            server.server_close()

    def addresses(self, shots: list[Shot]) -> list[tuple[Shot, str]]:
        """Each picture's address, found in the data as its user sees it; pictures whose page
        does not exist (yet) are skipped."""
        users = get_user_model().objects
        found = []
        for shot in shots:
            url = shot.url
            if callable(url):
                user = users.filter(username=shot.user).first()
                if user is None:
                    raise CommandError(f"{shot.name}: no user {shot.user} (load the demo data).")
                url = url(user)
                if url is None:
                    self.stdout.write(f"{shot.name}: skipped, nothing in the data to show")
                    continue
            try:
                resolve(url.split("?")[0])
            except Resolver404:
                self.stdout.write(f"{shot.name}: skipped, no page at {url}")
                continue
            found.append((shot, url))
        return found

    def draw(self, shots, folder: Path, base_url: str, password: str, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=executable,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"],
            )
            contexts = {}
            try:
                for shot, url in shots:
                    key = (shot.user, shot.phone)
                    if key not in contexts:
                        contexts[key] = self.context(browser, base_url, shot, password)
                    path = folder / f"{shot.name}.png"
                    self.picture(contexts[key], shot, url, path)
                    self.stdout.write(f"{path} ({path.stat().st_size // 1024} KiB)")
            finally:
                browser.close()

    def context(self, browser, base_url: str, shot: Shot, password: str):
        """A browser of one user, in Chinese, signed in through the sign-in page."""
        context = browser.new_context(
            base_url=base_url,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport={"width": shot.width, "height": shot.height},
            is_mobile=shot.phone,
            has_touch=shot.phone,
        )
        context.set_default_timeout(30_000)
        if shot.user:
            page = browser_sign_in(context, shot.user, password)
            if "/accounts/login/" in page.url:
                raise CommandError(f"{shot.user} could not sign in: wrong --password?")
            page.close()
        return context

    def picture(self, context, shot: Shot, url: str, path: Path) -> None:
        page = context.new_page()
        page.set_viewport_size({"width": shot.width, "height": shot.height})
        try:
            response = page.goto(url)
            if response is None or response.status != 200:
                status = response.status if response else "no answer"
                raise CommandError(f"{shot.name}: {url} answered {status}")
            page.wait_for_load_state("networkidle")
            if shot.wait_for:
                page.wait_for_selector(shot.wait_for)
            if shot.click:
                page.click(shot.click)
                page.wait_for_load_state("networkidle")
            page.evaluate("document.fonts.ready")
            height = page.evaluate("document.documentElement.scrollHeight")
            page.screenshot(
                path=str(path),
                full_page=True,
                clip={"x": 0, "y": 0, "width": shot.width, "height": min(height, shot.max_height)},
                scale="css",
                animations="disabled",
                caret="hide",
            )
        finally:
            page.close()
