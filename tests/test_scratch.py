"""Scratch folders: a killed run's are removed by the next run of their kind; a running one's stay."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from compendium.scratch import make_scratch, scratch


def test_a_killed_run_s_scratch_folder_is_removed_by_the_next_and_a_running_one_s_is_kept(
    tmp_path: Path,
) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(gone.stdout)  # a process that has ended, as a killed build has
    abandoned = tmp_path / f"compendium-print-{dead_pid}-abc"
    running = tmp_path / f"compendium-print-{os.getppid()}-def"  # the test runner's parent: running
    other_kind = tmp_path / f"compendium-printing-{dead_pid}-ghi"
    for folder in (abandoned, running, other_kind):
        (folder / "root").mkdir(parents=True)

    with scratch("print", str(tmp_path)) as folder:
        assert folder.name.startswith(f"compendium-print-{os.getpid()}-") and folder.is_dir()
        assert not abandoned.exists() and running.is_dir() and other_kind.is_dir()
        (folder / "half-written.pdf").write_bytes(b"%PDF")
    assert not folder.exists()  # removed with what it held

    made = make_scratch("printing", str(tmp_path))
    assert not other_kind.exists() and made.is_dir()
