"""The import contract (.importlinter) holds for the code as it is, and breaks when an app imports upwards."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = (
    "config", "reports", "accounts", "statutory", "casefile", "provision", "casework", "escalations", "notifications",
    "core",
)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / ".importlinter")],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_code(tmp_path) -> Path:
    """The project's Python packages and contract, copied so a test can break them without touching the tree."""
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("templates", "static*", "__pycache__")
        )
    shutil.copy(ROOT / ".importlinter", tmp_path)
    return tmp_path


def test_the_code_keeps_every_layer(copy_of_the_code):
    result = lint_imports(copy_of_the_code)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("notifications/services.py", "import casework.models", "Apps import only the layers below them"),
        ("escalations/selectors.py", "from casework import services", "Apps import only the layers below them"),
        ("core/time.py", "from escalations import working_days", "Apps import only the layers below them"),
        ("casework/models/cases.py", "from reports import sla", "Apps import only the layers below them"),
        ("casework/services/intake.py", "from provision import gaps", "Apps import only the layers below them"),
        ("casework/staffing.py", "from statutory import services", "Apps import only the layers below them"),
        ("statutory/rules.py", "from statutory import models", "statutory: the pages, API, tasks and demo sit"),
        ("casework/services/intake.py", "from casework.web import pages", "casework: the pages and the API sit on"),
        ("escalations/selectors.py", "from escalations import services", "escalations: tasks call services"),
        ("casework/models/events.py", "import casefile.models", "Apps import only the layers below them"),
        ("casefile/verification.py", "from casefile import services", "casefile: the pages, the API and the command"),
        ("statutory/services.py", "import casefile.models", "Apps import only the layers below them"),
    ],
)
def test_an_import_against_the_layers_breaks_the_contract(copy_of_the_code, module, line, contract):
    path = copy_of_the_code / module
    path.write_text(f"{path.read_text()}\n{line}\n")

    result = lint_imports(copy_of_the_code)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    assert contract in result.stdout.replace("\n", " ")
