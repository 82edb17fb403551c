"""Pages measured in turns (bench/turns.py), against a real HTTP server in this process: every
page gets a slice in every round, the rounds start at different pages, and a page's figures
are those of all its slices together."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import turns


class _Recorder(BaseHTTPRequestHandler):
    """Answers every GET, a moment later on /slow; notes which path came when."""

    seen: list[tuple[float, str, str]] = []

    def do_GET(self):
        if self.path == "/slow":
            time.sleep(0.02)
        self.seen.append((time.perf_counter(), self.path, self.headers.get("Cookie", "")))
        self.send_response(404 if self.path == "/missing" else 200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_each_page_is_measured_in_every_round_and_its_slices_pooled(server, monkeypatch):
    monkeypatch.setattr(turns, "SLICE_WARMUP", 0.0)
    monkeypatch.setattr(turns, "WARMUP", 0.0)
    pages = {"fast": (f"{server}/fast", "session=a"), "slow": (f"{server}/slow", "session=b")}
    found = turns.measure(pages, seconds=0.4, rounds=2)

    assert list(found) == ["fast", "slow"]
    for name, path in (("fast", "/fast"), ("slow", "/slow")):
        answered = [seen for seen in _Recorder.seen if seen[1] == path]
        # All its slices' requests are in its figures (none warmed up here).
        assert found[name]["requests"] == len(answered) > 0
        assert found[name]["rounds"] == 2
        assert found[name]["errors"] == 0
    assert {cookie for _at, path, cookie in _Recorder.seen if path == "/slow"} == {"session=b"}
    # The second round starts with the page the first ended with (fast, slow; slow, fast):
    # in turns the same page twice in a row reads as one stretch.
    runs, previous = [], None
    for _at, path, _cookie in sorted(_Recorder.seen):
        if path != previous:
            runs.append(path)
            previous = path
    assert runs == ["/fast", "/slow", "/fast"]
    # The slow page is slower, the sleep its p50.
    assert found["slow"]["p50_ms"] >= 20 > found["fast"]["p50_ms"]


def test_a_page_answered_wrongly_counts_its_errors_over_all_slices(server, monkeypatch):
    monkeypatch.setattr(turns, "SLICE_WARMUP", 0.0)
    monkeypatch.setattr(turns, "WARMUP", 0.0)
    found = turns.measure({"missing": (f"{server}/missing", "")}, seconds=0.2, rounds=2)

    answered = [seen for seen in _Recorder.seen if seen[1] == "/missing"]
    assert found["missing"]["errors"] == found["missing"]["requests"] == len(answered) > 0
    assert found["missing"]["error_statuses"] == {"404": len(answered)}
    assert found["missing"]["first_error"].startswith("404")
