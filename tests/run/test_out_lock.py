"""One run per output folder: a second `mramsim run` into a folder in use stops at once, naming it."""
from __future__ import annotations

from pathlib import Path

import pytest

from mramsim.cli import main
from mramsim.parallel.checkpoint import FolderLockedError, folder_lock
from mramsim.run.flow import run_flow

CONFIG = Path(__file__).resolve().parents[2] / "examples" / "read_margin.toml"


def test_second_run_into_a_locked_out_folder_stops(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with folder_lock(out):  # another run holds the folder
        with pytest.raises(FolderLockedError, match=str(out)):
            run_flow(CONFIG, out, progress=False)
        assert main(["run", str(CONFIG), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(out) in err[0] and "Traceback" not in err[0]
    assert not (out / "results.json").exists()  # nothing was computed or written
