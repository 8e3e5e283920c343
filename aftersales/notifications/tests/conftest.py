"""Real servers on loopback for the channels' tests: an SMTP server (aiosmtpd) and an HTTP
server (http.server in a thread) that records what it receives and answers as told."""

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from aiosmtpd.controller import Controller

from aftersales.cases import services as case_services


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    method: str
    path: str
    query: dict
    headers: dict
    json: object


@dataclass
class WebServer:
    """Answers every POST with `status` and `reply` (JSON), recording the request."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    status: int = 200
    reply: object = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})


@pytest.fixture
def web():
    server_state = WebServer()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            parts = urlsplit(self.path)
            server_state.requests.append(
                Received(
                    method="POST",
                    path=parts.path,
                    query={k: v[0] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    json=json.loads(raw.decode("utf-8")) if raw else None,
                )
            )
            body = json.dumps(server_state.reply).encode()
            self.send_response(server_state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server_state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield server_state
    finally:
        httpd.shutdown()
        httpd.server_close()


class MailSink:
    def __init__(self):
        self.envelopes = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "554 Transaction failed: refused for the test"
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    """A real SMTP server on a free loopback port: `.sink.envelopes`, `.port`."""
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    controller.sink = sink
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def case_a(dispatcher, org_a, asset_a):
    return case_services.case_create(
        actor=dispatcher,
        organisation=org_a,
        title="3号摄像头夜间黑屏",
        description="中关村派出所门口3号摄像头夜间出现黑屏",
        severity="P2",
        channel="phone",
        assets=[asset_a],
    )
