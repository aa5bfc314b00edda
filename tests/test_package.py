"""Package-level promises: light import, lazy public API, version."""
import subprocess
import sys

import mramsim


def test_import_does_not_pull_heavy_modules():
    code = (
        "import sys, mramsim; import mramsim.errors, mramsim.stack, mramsim.materials;"
        "bad=[m for m in ('matplotlib','PySpice','dask','distributed') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"import mramsim pulled in: {out.stdout.strip()}"


def test_unknown_attribute_is_attribute_error():
    import pytest

    with pytest.raises(AttributeError):
        mramsim.does_not_exist


def test_version_string():
    assert mramsim.__version__.count(".") == 2
