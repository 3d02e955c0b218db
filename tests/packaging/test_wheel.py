"""A plain (non-editable) install finds its prompts, flows, playbook, templates and migrations: the wheel
is built, installed into a scratch environment, and one debrief turn runs there with a scripted model."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

TURN = textwrap.dedent('''
    import sys
    from pathlib import Path

    import assistant
    from fakes import ScriptedChatModel

    from api.app import create_app
    from assistant.core import Settings
    from assistant.service import Service
    from fastapi.testclient import TestClient

    installed = Path(assistant.__file__).resolve()
    assert not installed.is_relative_to(Path(sys.argv[1])), f"imported from the checkout: {installed}"
    data = Path(sys.argv[2])
    settings = Settings(storage={"data_dir": data}, playbook={"embedder": "hash"}, limits={"rate_limit_per_minute": 0})
    model = ScriptedChatModel(script=[[{"field": "candidate_name", "value": "Priya Shah",
                                        "quote": "Priya Shah"}]])
    service = Service(settings, model=model).start()
    with TestClient(create_app(service)) as client:
        auth = {"Authorization": f"Bearer {service.dev_key}"}
        opened = client.post("/debriefs", json={"kind": "candidate"}, headers=auth)
        assert opened.status_code == 201, opened.text
        turn = client.post(f"/debriefs/{opened.json()['id']}/messages", json={"text": "Priya Shah, keen"},
                           headers=auth)
        assert turn.status_code == 200, turn.text
        assert turn.json()["record"]["fields"]["candidate_name"]["value"] == "Priya Shah", turn.json()["record"]
        page = client.get("/static/app.css")
        assert page.status_code == 200
    report = service.playbook.ingest()
    assert report.files > 0 and report.unchanged + report.embedded > 0, f"no playbook in the package: {report}"
    print("installed at", installed)
''')


@pytest.mark.subprocess
def test_a_wheel_installed_elsewhere_runs_a_turn(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    # Built as pip builds it for a user: in an isolated environment with the build backend pyproject.toml
    # asks for (a fresh virtual environment's own setuptools may be too old to build a wheel).
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, timeout=300)
    (wheel,) = wheels.glob("debrief-*.whl")
    scratch = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(scratch)], check=True, timeout=120)
    python = scratch / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # The scratch environment sees this one's dependencies (a plain path entry: no .pth file of this
    # environment runs there, so the editable checkout stays out of sight) and holds Debrief itself
    # only as the installed wheel.
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                    str(wheel)], check=True, timeout=300)
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copy(ROOT / "tests" / "support" / "fakes.py", work / "fakes.py")
    (work / "turn.py").write_text(TURN)
    run = subprocess.run([str(python), "turn.py", str(ROOT), str(tmp_path / "data")], cwd=work,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"installed at {site}" in run.stdout
