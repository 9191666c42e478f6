"""`qkv-drill doctor` and `--version`, end to end in fresh processes on a temporary data folder."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from qkv_drill import paths
from tests.helpers.cli import run_cli

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_the_installed_package_version():
    done = run_cli("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"qkv-drill {metadata.version('qkv-drill')}"


def test_doctor_on_a_healthy_install():
    done = run_cli("doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert metadata.version("textual") in lines["textual"]
    assert metadata.version("numpy") in lines["numpy"]
    import torch  # only to know which build this machine has

    build = "CPU build" if torch.version.cuda is None else f"CUDA {torch.version.cuda} build"
    assert torch.__version__ in lines["torch"] and build in lines["torch"]
    assert f"{paths.data_dir()} (writable)" in lines["data"]
    shipped = len(list(paths.shipped_packs_dir().glob("*.yaml")))
    assert f" {shipped} found, " in lines["packs"]
    assert done.stdout.rstrip().endswith("no problems found")


def test_doctor_marks_a_broken_pack_and_an_unwritable_data_folder(tmp_path):
    broken_pack = tmp_path / "broken.yaml"
    broken_pack.write_text("pack: {id: broken}\nquestions: [1, 2\n")
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = run_cli("--pack", str(broken_pack), "doctor", home=blocker / "home")
    assert done.returncode == 1
    (broken,) = [line for line in done.stdout.splitlines() if "broken.yaml" in line]
    assert broken.startswith("! ") and "error" in broken
    (folder,) = [line for line in done.stdout.splitlines() if "data folder" in line]
    assert folder.startswith("! ") and "not writable" in folder
    assert "2 problem(s) marked with !" in done.stdout


def test_doctor_reads_the_progress_file():
    from qkv_drill.store import AnswerRecord, Store

    with Store.open(paths.progress_db_path()) as store:
        store.record_answer(
            AnswerRecord("q", "core", "shapes", "easy", "numeric", "{}", 1, "1", "correct")
        )
    done = run_cli("doctor")
    (line,) = [line for line in done.stdout.splitlines() if line.split()[:1] == ["progress"]]
    from qkv_drill.store.schema import MIGRATIONS

    assert f"schema v{len(MIGRATIONS)}, 1 answer, 0 cards, 0 mock interviews" in line
