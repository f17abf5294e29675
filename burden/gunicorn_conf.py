"""gunicorn's settings for the production web process (Procfile and docker compose).

gunicorn reads this file itself (``--config python:burden.gunicorn_conf``), before Django starts, so
it reads its few values from the environment directly.

Threads: a page is CPU-bound Python, so more threads do not make it faster, but a CSV export
streams for seconds while mostly waiting on the database and the client; with two threads per
process a long download does not hold a whole worker. Workers: two per core, the usual rule.
"""

import os

bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# The largest exports stream for some seconds; give them room, then give up.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
# Seconds a connection is kept open for a client's next request. 0 (the default): closed after
# each answer, so that each request goes to whichever worker is free. A gthread worker keeps a
# kept-alive connection to itself: under the load benchmark a client's next request waited behind
# that worker's drawing while others stood idle, and a request sent just as the worker closed
# an idle connection was reset. In production the TLS
# proxy in front holds the clients' connections open; gunicorn's own are on the loopback.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"

# Each request's server time and its thread's CPU time, one JSON line a request, when
# GUNICORN_TIMING_LOG names a file (the load benchmark reads it: benchmarks/load.py).
_timing_log = os.environ.get("GUNICORN_TIMING_LOG")
if _timing_log:
    import json
    import time

    def pre_request(worker, req):
        req.timing_started = (time.monotonic(), time.thread_time())

    def post_request(worker, req, environ, resp):
        started = getattr(req, "timing_started", None)
        if started is None:
            return
        line = json.dumps(
            {
                "path": req.path,
                "method": req.method,
                "status": resp.status_code,
                "wall_ms": round((time.monotonic() - started[0]) * 1000, 1),
                "cpu_ms": round((time.thread_time() - started[1]) * 1000, 1),
                "at": time.time(),
            }
        )
        with open(_timing_log, "a") as handle:
            handle.write(line + "\n")
