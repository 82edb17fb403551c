"""A real HTTP server standing in for the SMS gateway: it records what it is sent and answers
as it is told (a status per request, or bytes that are not HTTP at all)."""

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Gateway:
    def __init__(self) -> None:
        self.received: list[dict] = []
        self.accepted: Counter[str] = Counter()
        self.headers: list[dict] = []
        # What to answer the next requests with, in turn; afterwards 200.
        self.script: list[int | str] = []
        self._lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with gateway._lock:
                    answer = gateway.script.pop(0) if gateway.script else 200
                    gateway.received.append(body)
                    gateway.headers.append(dict(self.headers))
                    if answer == 200:
                        gateway.accepted[body["id"]] += 1
                if answer == "garbage":
                    self.wfile.write(b"\x00\xffnot http at all\r\n\r\n")
                    return
                payload = b'{"ok": true}' if answer == 200 else b'{"error": "busy"}'
                self.send_response(answer)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        # A short poll interval: closing the server waits for the loop's next poll.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def texts_to(self, phone: str) -> list[str]:
        return [body["text"] for body in self.received if body["phone"] == phone]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
