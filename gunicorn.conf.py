"""gunicorn's settings for the portal in production: `gunicorn --config gunicorn.conf.py participation_portal.wsgi`.

Each setting limits what a slow or abandoned request can do to everyone else. Settings given on the
command line win over these.
"""

import os
from pathlib import Path

# Processes, each serving several requests at once on threads: a request left running after its
# client has gone (a slow search, a large export) holds one thread, not a whole worker, so the
# other pages keep being served. WEB_CONCURRENCY is gunicorn's own variable; about two processes
# per core. Each thread keeps its own database connection (CONN_MAX_AGE), so PostgreSQL must allow
# workers x threads connections per machine, with room for the Celery workers.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker that stops answering gunicorn's heartbeat for this long (stuck in C code, out of memory)
# is killed and replaced; no page of the portal should come near it (lists are paged, exports stream).
timeout = 30
# On a restart or a new release, requests in flight get this long to finish before their worker
# is stopped: long enough for any page, short enough that a release never waits on a stuck one.
graceful_timeout = 20
# Connections the proxy keeps open between requests are closed after this many idle seconds.
keepalive = 5

# Each worker is replaced after about 10,000 requests, at a different moment for each (the jitter),
# so memory a worker gathers over time is given back and workers never restart together. Not
# sooner: a new worker starts with cold caches (compiled templates, shared lists), and at 1,000 a
# busy worker was replaced every few seconds under load.
max_requests = 10000
max_requests_jitter = 1000
# The portal is loaded once, before the workers are forked, so a replaced worker serves again at
# once instead of after two seconds of start-up. Connections (database, Redis) open only on first
# use, in each worker, so none is shared across the fork. A new release needs a restart, not a HUP.
preload_app = True

# The heartbeat file in memory, not on a disk that can stall and make healthy workers look dead.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 (Linux's shared memory, not a guessable temporary file)
if Path(SHARED_MEMORY).is_dir():
    worker_tmp_dir = SHARED_MEMORY

# Requests are logged by the portal's own logging; gunicorn logs its errors to standard error.
errorlog = "-"
