"""Middleware of the whole project."""

import time


class ServerTimingMiddleware:
    """Say how long the app took on every response, as `Server-Timing: app;dur=<ms>`.

    Browsers show it in their developer tools and benchmarks read it to tell server time from
    network and client time. It is measured around everything below it in MIDDLEWARE, up to
    the moment the response is returned (a streamed body is not included).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        timing = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        existing = response.headers.get("Server-Timing")
        response.headers["Server-Timing"] = f"{existing}, {timing}" if existing else timing
        return response
