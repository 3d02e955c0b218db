"""A command killed with SIGTERM runs its clean-up, as with Ctrl-C: the exit hook that stops an embedded
model server the command started runs, so no server is left without a parent."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import atexit, os, signal, sys, time
from pathlib import Path
from cli.main import _on_termination
_on_termination()
atexit.register(lambda: Path(sys.argv[1]).write_text("stopped"))
print("ready", flush=True)
time.sleep(30)
"""


def test_sigterm_runs_the_exit_hooks(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    child = subprocess.Popen([sys.executable, "-c", SCRIPT, str(marker)], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[2])
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    child.terminate()
    assert child.wait(timeout=30) == 128 + 15
    assert marker.read_text() == "stopped"
