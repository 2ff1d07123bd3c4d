"""gunicorn settings for repairapp (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Read by repairapp.service; `make deploy-check` runs `gunicorn --check-config` on it.
Override any of these in /etc/repairapp/env: REPAIRAPP_BIND, WEB_CONCURRENCY.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # repairapp, for the formatter

from repairapp.logs import chosen_format  # noqa: E402

# nginx on the same host talks to this address; with several app servers behind one
# balancer, bind the server's private address instead (e.g. 10.0.0.11:8000).
bind = os.environ.get("REPAIRAPP_BIND", "127.0.0.1:8000")
# Sync workers, as the tests and bench/submissions.py measure. Each decodes at most
# REPAIRAPP_PHOTO_DECODES photos at once (~100 MB each): 4 workers stay under 1 GB.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"
# A label PDF for a few thousand machines or a quarter's report takes tens of seconds.
timeout = 120
graceful_timeout = 30
# Phones on a slow network send their photos to nginx, which passes whole requests on.
keepalive = 5
# A worker is replaced after this many requests (jitter: not all at once), so memory a
# long-running process collects over years is given back.
max_requests = 2000
max_requests_jitter = 200
# The workers' heartbeat files on tmpfs, not on a disk that may stall.
worker_tmp_dir = "/dev/shm"  # noqa: S108 -- tmpfs, as gunicorn advises; not a file we open
proc_name = "repairapp"

# No access log: the app writes one line per request itself, with the URL rule
# (/t/<token>) instead of the path, which carries tracking tokens and label codes.
accesslog = None
errorlog = "-"
loglevel = "info"
# gunicorn's own lines (start, workers, timeouts) in the app's format, JSON in production.
_format = chosen_format(os.environ.get("REPAIRAPP_LOG_FORMAT"), os.environ.get("REPAIRAPP_ENV"))
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING", "handlers": []},
    "formatters": {"app": {"()": f"repairapp.logs.{_format.capitalize()}Formatter"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "app",
                            "stream": "ext://sys.stderr"}},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
    },
}
