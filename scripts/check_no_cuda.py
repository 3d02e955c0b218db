"""Does a plain `pip install` of Debrief, from the public package index alone, pull any CUDA package?

    .venv/bin/python scripts/check_no_cuda.py [--extras dev,postgres] [--keep-report FILE]

Resolves the install with `pip install --dry-run --report` as a new user's machine would: every PIP_*
variable dropped and no pip configuration file read, so a local wheel folder, an extra index or a
constraints file set up on this machine cannot hide what the public index serves. Exits 1 when the
resolution holds a CUDA package (nvidia-*, *cuda*, *cudnn*, triton) or torch, or when any package was
resolved from anywhere but the index; prints what was resolved either way. Needs the network.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CUDA = re.compile(r"^(nvidia-.*|.*cuda.*|.*cudnn.*|.*cublas.*|triton|torch)$")


def resolve(extras: str) -> list[dict[str, object]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # pip reads no configuration file at all
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
             "--disable-pip-version-check", "--report", str(report), target],
            check=True, env=env, cwd=scratch,
        )
        return list(json.loads(report.read_text())["install"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", default="", help="comma-separated extras to include (default: none)")
    args = parser.parse_args()

    resolved = resolve(args.extras)
    names = sorted(str(item["metadata"]["name"]).lower() for item in resolved)  # type: ignore[index]
    cuda = [n for n in names if CUDA.match(n)]
    local = [
        str(item["metadata"]["name"])  # type: ignore[index]
        for item in resolved
        if not str(item.get("download_info", {}).get("url", "")).startswith("https://")  # type: ignore[union-attr]
        and not item.get("is_direct")
    ]
    print(f"{len(names)} packages resolved from the public index for Debrief"
          f"{f'[{args.extras}]' if args.extras else ''}: {', '.join(names)}")
    if local:
        print(f"FAIL: resolved from somewhere other than the index: {', '.join(local)}")
    if cuda:
        print(f"FAIL: CUDA packages or torch in the resolution: {', '.join(cuda)}")
        return 1
    if local:
        return 1
    print("OK: no CUDA package and no torch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
