#!/usr/bin/env python3
"""A test server for probes, run inside a network namespace: python3 probe-server.py ADDRESS PORT.

/health            200 "ok"
/status/<code>     that status, body "status <code>"
/redirect          302 to /health
/big               1 MiB of 'x' (Content-Length set)
/chunked-big       1 MiB of 'y', chunked
/slow              answers after 8 s
/delay?ms=N        answers after N ms
/headers           the request's headers, one per line
/api/v1/query      Prometheus HTTP API: the answer set for ?query= in QUERIES (else bad_data)
"""
import json
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUERIES = {
    "up": {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {"__name__": "up", "job": "api"}, "value": [1733400000.0, "1"]},
        {"metric": {"__name__": "up", "job": "db"}, "value": [1733400000.0, "0"]}]}},
    "error_ratio": {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {}, "value": [1733400000.0, "0.25"]}]}},
    "scalar(42)": {"status": "success", "data": {"resultType": "scalar",
                                                 "result": [1733400000.0, "42"]}},
    "absent_metric": {"status": "success", "data": {"resultType": "vector", "result": []}},
    "nan_metric": {"status": "success", "data": {"resultType": "vector", "result": [
        {"metric": {}, "value": [1733400000.0, "NaN"]}]}},
    "range_metric[5m]": {"status": "success", "data": {"resultType": "matrix", "result": [
        {"metric": {}, "values": [[1733400000.0, "1"]]}]}},
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_body(self, status, body, content_type="text/plain", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/health":
            self.send_body(200, "ok")
        elif url.path.startswith("/status/"):
            code = int(url.path.rsplit("/", 1)[1])
            self.send_body(code, "status %d" % code)
        elif url.path == "/redirect":
            self.send_body(302, "moved", headers=[("Location", "/health")])
        elif url.path == "/big":
            self.send_body(200, b"x" * (1024 * 1024))
        elif url.path == "/chunked-big":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 8192
            try:
                for _ in range(128):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif url.path == "/slow":
            time.sleep(8)
            self.send_body(200, "late")
        elif url.path == "/delay":
            time.sleep(int(urllib.parse.parse_qs(url.query)["ms"][0]) / 1000)
            self.send_body(200, "ok")
        elif url.path == "/headers":
            self.send_body(200, "".join("%s: %s\n" % (k.lower(), v) for k, v in self.headers.items()))
        elif url.path == "/api/v1/query":
            query = urllib.parse.parse_qs(url.query).get("query", [""])[0]
            answer = QUERIES.get(query)
            if answer is None:
                self.send_body(400, json.dumps({"status": "error", "errorType": "bad_data",
                                                "error": "unknown query " + query}),
                               "application/json")
            else:
                self.send_body(200, json.dumps(answer), "application/json")
        else:
            self.send_body(404, "not found")


if __name__ == "__main__":
    ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
