"""Read schemes (mramsim.array.read): validation, the layout of u, references."""
import numpy as np
import pytest

from mramsim.array.read import ReadScheme, split_u, u_layout
from mramsim.array.variation import Variation
from mramsim.errors import ParameterError, UnknownNameError


def test_defaults_and_polarity():
    r = ReadScheme()
    assert r.polarity == 1 and r.n_ref_cells == 1
    assert ReadScheme(sensing="voltage").polarity == -1
    assert ReadScheme(reference="fixed").n_ref_cells == 0
    assert ReadScheme(reference="averaged", n_ref_pairs=4).n_ref_cells == 4
    assert ReadScheme(r_sense=20e3).offset_scale() == pytest.approx(5e-5)
    assert ReadScheme(sensing="voltage").offset_scale() == 1.0


@pytest.mark.parametrize("kw, field", [
    ({"v_read": 0.0}, "ReadScheme.v_read"),
    ({"v_read": 3.0}, "ReadScheme.v_read"),
    ({"r_ref": -1.0}, "ReadScheme.r_ref"),
    ({"n_ref_pairs": 0, "reference": "averaged"}, "ReadScheme.n_ref_pairs"),
    ({"n_ref_pairs": 2}, "ReadScheme.n_ref_pairs"),
    ({"sa_offset_sigma": -1e-3}, "ReadScheme.sa_offset_sigma"),
    ({"temperature": 0.0}, "ReadScheme.temperature"),
])
def test_bad_values_name_the_field(kw, field):
    with pytest.raises(ParameterError) as ei:
        ReadScheme(**kw)
    assert ei.value.field == field


def test_unknown_names():
    with pytest.raises(UnknownNameError):
        ReadScheme(sensing="charge")
    with pytest.raises(UnknownNameError):
        ReadScheme(reference="median")


def test_layout_only_active_variables_and_split_round_trip():
    var = Variation(ra_sigma=0.03, vth_sigma=0.02, ra_die_sigma=0.01)
    read = ReadScheme(reference="averaged", n_ref_pairs=2, sa_offset_sigma=3e-3)
    names = u_layout(var, read)
    assert names[:3] == ["cell.ra", "cell.vth", "die.ra_die"]
    assert names[-1] == "sa.offset"
    assert len(names) == 2 + 1 + 4 * 2 + 1
    u = np.arange(3 * len(names), dtype=float).reshape(3, len(names))
    cells, die, sa = split_u(u, var, read)
    assert set(cells) == {"cell", "refP0", "refP1", "refAP0", "refAP1"}
    np.testing.assert_array_equal(cells["refAP1"]["vth"], u[:, names.index("refAP1.vth")])
    np.testing.assert_array_equal(die["ra_die"], u[:, 2])
    np.testing.assert_array_equal(sa, u[:, -1])
    with pytest.raises(ParameterError, match="u.shape"):
        split_u(u[:, :-1], var, read)


def test_fixed_reference_without_variation_has_no_columns():
    assert u_layout(Variation(), ReadScheme(reference="fixed")) == []
