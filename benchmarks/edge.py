"""Varnish on loopback in front of a local server, with the repository's VCL.

Used by ``benchmarks/load.py --edge`` and ``tests/test_edge_cache.py``. The VCL is
``docker/varnish/default.vcl`` (the one compose runs) with only the backend address
replaced; ``varnishd`` is Debian's (``apt-get install -y varnish``).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

VCL = Path(__file__).resolve().parent.parent / "docker" / "varnish" / "default.vcl"
BACKEND = re.compile(r'(backend app \{\s*\.host = )"app";(\s*\.port = )"8000";')


def vcl_for_backend(host, port):
    """The repository's VCL with the backend at ``host``:``port`` instead of compose's app."""
    text, count = BACKEND.subn(rf'\1"{host}";\2"{port}";', VCL.read_text())
    if count != 1:
        raise RuntimeError(f"{VCL}: backend 'app' not found")
    return text


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Varnish:
    """``varnishd`` in the foreground, in its own process group, listening on 127.0.0.1."""

    def __init__(self, work_dir, backend_port, *, memory="256m"):
        self.binary = shutil.which("varnishd") or "/usr/sbin/varnishd"
        self.work_dir = Path(work_dir)
        self.work_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self.work_dir, 0o755)  # varnishd's unprivileged users read the VCL here
        vcl = self.work_dir / "edge.vcl"
        vcl.write_text(vcl_for_backend("127.0.0.1", backend_port))
        os.chmod(vcl, 0o644)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.work_dir / "varnishd.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "-F",
                    "-n",
                    str(self.work_dir / "instance"),
                    "-a",
                    f"127.0.0.1:{self.port}",
                    "-T",
                    "none",
                    "-f",
                    str(vcl),
                    "-s",
                    f"malloc,{memory}",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"varnishd ended: {self.log.read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"varnishd did not listen within {timeout} s; see {self.log}")

    def get(self, path, headers=None):
        request = urllib.request.Request(self.url + path, headers=headers or {})
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers), response.read()

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            except ProcessLookupError:
                pass
