"""CPU time of a turn in one process, without HTTP: the key look-up and the turn, one after another, with
an instant stub model, on SQLite on disk. Under load the API's turn is bound by this (bench/turn_overhead.py
measures the whole), and it varies far less with the machine's load than latency under 50 sessions.

    .venv/bin/python bench/turn_cpu.py [--debriefs 40] [--rounds 3]

Each round opens `--debriefs` debriefs and sends each the eight messages of bench/stub_app.py, ended with
the debrief's number so every message is new (as `turn_overhead.py --distinct`). A first round warms up.
Set DEBRIEF_GUIDANCE_PER_TURN=0 to leave out the playbook guidance, whose embedding dominates otherwise.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before its packages are imported

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.core import Settings
from assistant.service import Service
from bench.stub_app import NOTES, stub_updates
from tests.support.fakes import ScriptedChatModel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debriefs", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            storage={"data_dir": Path(tmp), "database_url": f"sqlite:///{tmp}/turns.db"},
            access={"api_keys": ""}, limits={"rate_limit_per_minute": 0},
            refinement={"in_background": False, "on_completion": False},
        )
        service = Service(settings, model=ScriptedChatModel(script=stub_updates)).start()
        key = service.dev_key
        recruiter = service.keys.authenticate(key)

        def round_(number: int) -> None:
            ids = [service.debriefs.open(recruiter.id, "candidate").id for _ in range(args.debriefs)]
            for note in NOTES:
                for n, debrief_id in enumerate(ids):
                    service.keys.authenticate(key)
                    service.debriefs.post_message(recruiter.id, debrief_id, f"{note} (round {number}, debrief {n})")

        round_(0)
        turns = args.debriefs * len(NOTES)
        print(f"{turns} turns a round, one at a time (ms per turn)")
        for number in range(1, args.rounds + 1):
            wall, cpu = time.perf_counter(), time.process_time()
            round_(number)
            print(f"round {number}: wall {(time.perf_counter() - wall) / turns * 1000:5.1f}, "
                  f"process CPU {(time.process_time() - cpu) / turns * 1000:5.1f}")
        service.stop()
    print(f"load average at the end: {', '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
