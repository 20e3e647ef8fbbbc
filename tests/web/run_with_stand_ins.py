"""`scripts/run.py` (what `make run` runs) with cheap stand-ins for its children, for
test_run_ctrl_c.py. Everything else is the real main(): .env, preflight, PID file, banner,
signal handlers, supervisor, clean-up. The real children would cost minutes (livekit-server
is fine, but the worker loads every speech model before it counts as ready).

    python tests/web/run_with_stand_ins.py DIR    # PID file and logs go under DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, as run.py does

from scripts import run
from scripts.stack import StackConfig
from scripts.supervisor import HttpReady, LogReady, Service

# The web app: an HTTP server on the configured port.
WEB = """
import http.server, os, sys

class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()

print('web pid', os.getpid(), flush=True)
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), Ok).serve_forever()
"""

# The worker: it forks a job process that ignores Ctrl-C (a busy job process may not stop at
# once), so only the supervisor's sweep of the process group ends it.
WORKER = """
import os, subprocess, sys, time
print('worker pid', os.getpid(), flush=True)
job = subprocess.Popen([sys.executable, '-c',
    'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(600)'])
print('job process pid', job.pid, flush=True)
time.sleep(600)
"""


def stand_ins(config: StackConfig) -> list[Service]:
    return [
        Service(
            "web",
            [sys.executable, "-c", WEB, str(config.web_port)],
            ready=HttpReady(f"{config.web_url}/healthz"),
            ready_timeout_s=30,
        ),
        Service("worker", [sys.executable, "-c", WORKER], ready=LogReady("job process pid")),
    ]


if __name__ == "__main__":
    here = Path(sys.argv[1])
    run.PID_FILE = here / "clinic.pid"
    run.LOG_DIR = here / "log"
    run.services = stand_ins
    sys.exit(run.main())
