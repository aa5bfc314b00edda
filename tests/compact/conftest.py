"""Fixed compact models for the tests (hand-set parameters, not fitted)."""
import pytest

from mramsim.compact.model import CompactMTJ

FULL = dict(
    r_p0=3000.0, tmr0=1.5, area=3e-15, vh_pos=0.45, vh_neg=0.55, b1=0.05, b2=-1.2, b3=0.1, b4=0.3,
    tc_rp=-2e-4, tc2_rp=1e-7, tc_rp_bias=3e-4, tc_tmr=-1e-3, tc2_tmr=-1e-6, tc_vbias=-5e-4, tmr_q=0.1, tmr_g=0.5,
    p_nom=0.6, q_mag=0.2, v_mag=0.12, n_mag=1.5,
    sensitivities=dict(dlnRP_dthickness=9e9, dlnTMR_dthickness=1e9, dlnRP_danneal=-1e-3, dlnTMR_danneal=2e-3),
    provenance=dict(preset="golden_test", anneal="none"),
)


def full_model(**changes) -> CompactMTJ:
    kw = dict(FULL)
    kw.update(changes)
    return CompactMTJ(name="mtjg", **kw)


@pytest.fixture
def make_model():
    """Factory of the fixed full-featured test model (keyword overrides allowed)."""
    return full_model
