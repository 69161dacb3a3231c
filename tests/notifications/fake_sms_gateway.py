"""A fake SMS gateway: a real HTTP server on a free local port that speaks the
protocol of notifications.sms.backends.http and records what it is sent.

    url, gateway = start_fake_gateway(key="k")
    gateway.fail_next(2)                 # the next two requests get a 503
    gateway.rate_limit_next(1, retry_after=3)   # the next one gets a 429
    ...
    gateway.messages                     # [{"to": …, "signature": …, "text": …, "id": …}, …]
    gateway.stop()

Used by the SMS tests, by the notification retry tests and by
bench/notifications.py.
"""

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, *, key: str, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.key = key
        self.lock = threading.Lock()
        #: Each accepted message: the JSON sent, plus the "id" we answered.
        self.messages: list[dict] = []
        #: Every request, accepted or not: (status answered, JSON or None).
        self.requests: list[tuple[int, dict | None]] = []
        self._failures: list[tuple[int, dict]] = []
        self._ids = itertools.count(1)
        self._thread = None

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/send"

    def fail_next(self, times: int = 1, *, status: int = 503) -> None:
        """Answer the next `times` requests with `status` (and send nothing)."""
        with self.lock:
            self._failures.extend([(status, {})] * times)

    def rate_limit_next(self, times: int = 1, *, retry_after: int = 1) -> None:
        """Answer the next `times` requests with 429 Too Many Requests."""
        with self.lock:
            self._failures.extend([(429, {"Retry-After": str(retry_after)})] * times)

    def texts_to(self, number: str) -> list[str]:
        with self.lock:
            return [message["text"] for message in self.messages if message["to"] == number]

    def start(self) -> "FakeGateway":
        self._thread = threading.Thread(target=self.serve_forever, name="fake-sms-gateway", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def answer(self, authorization: str, body: bytes) -> tuple[int, dict, dict]:
        """(status, headers, JSON answer) for one request."""
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        with self.lock:
            if authorization != f"Bearer {self.key}":
                status, headers, answer = 401, {}, {"error": "bad key"}
            elif self._failures:
                status, headers = self._failures.pop(0)
                answer = {"error": "rate limited" if status == 429 else "unavailable"}
            elif not isinstance(data, dict) or not data.get("to") or not data.get("text"):
                status, headers, answer = 400, {}, {"error": "to and text are required"}
            else:
                message_id = f"fake-{next(self._ids)}"
                self.messages.append({**data, "id": message_id})
                status, headers, answer = 200, {}, {"id": message_id}
            self.requests.append((status, data))
        return status, headers, answer


class _Handler(BaseHTTPRequestHandler):
    server: FakeGateway

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, headers, answer = self.server.answer(self.headers.get("Authorization", ""), body)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # quiet: the tests read gateway.requests
        pass


def start_fake_gateway(*, key: str = "fake-gateway-key", port: int = 0) -> tuple[str, FakeGateway]:
    """Start a gateway on a free port (or `port`); returns its URL and the
    server (call `.stop()` when done)."""
    gateway = FakeGateway(key=key, port=port).start()
    return gateway.url, gateway
