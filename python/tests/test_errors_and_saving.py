"""Crate errors arrive as ltv.exceptions with the crate's message and fields; models round-trip
through the crate's JSON (no pickle)."""

import json

import numpy as np
import pandas as pd
import pytest

import ltv
from ltv.exceptions import ConvergenceError, DataError, LtvError, ModelFormatError, NumericalError, ParameterError
from ltv.lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter, ParetoNBDFitter
from ltv.lifetimes.utils import summary_data_from_transaction_data


def test_bad_row_names_row_column_value_rule():
    with pytest.raises(DataError) as info:
        BetaGeoFitter().fit([1, 0.5, 2], [1, 1, 1], [2, 2, 2])
    e = info.value
    assert isinstance(e, ValueError) and isinstance(e, LtvError)
    assert (e.kind, e.row, e.column, e.value) == ("InvalidField", 2, "frequency", "0.5")
    assert "non-negative integer" in e.rule
    assert str(e).startswith("line 2, column `frequency`: invalid value `0.5`")


def test_recency_after_t_and_nan_are_errors():
    with pytest.raises(DataError, match="recency"):
        BetaGeoFitter().fit([1, 2], [3, 1], [2, 2])
    with pytest.raises(DataError) as info:
        BetaGeoFitter().fit([1, 2], [1, np.nan], [2, 2])
    assert info.value.row == 2


def test_length_mismatch():
    with pytest.raises(DataError, match="length mismatch"):
        BetaGeoFitter().fit([1, 2], [1, 1], [2, 2, 2])


def test_bad_parameters_and_options():
    with pytest.raises(ParameterError) as info:
        BetaGeoFitter.from_params({"r": -1, "alpha": 1, "a": 1, "b": 1})
    assert info.value.name == "r" and info.value.value == -1.0
    with pytest.raises(ParameterError, match="penalizer"):
        BetaGeoFitter(penalizer_coef=-1.0).fit([1, 0], [1, 0], [2, 2])


def test_gamma_gamma_rejects_non_repeat_customers(cdnow_spend):
    with pytest.raises(DataError) as info:
        GammaGammaFitter().fit(cdnow_spend["frequency"], cdnow_spend["monetary_value"])
    assert info.value.column == "frequency"


def test_unidentifiable_data_is_a_convergence_error():
    # nobody ever repeats: the data cannot identify the purchase process
    with pytest.raises((ConvergenceError, NumericalError)) as info:
        BetaGeoFitter().fit(np.zeros(50), np.zeros(50), np.full(50, 10.0))
    assert isinstance(info.value, LtvError)


def test_unfitted_model_raises_like_lifetimes():
    with pytest.raises(ValueError, match="fit"):
        BetaGeoFitter().conditional_probability_alive(1, 1, 2)


def test_summary_errors_name_the_row():
    tx = pd.DataFrame({"id": ["a", "b", "c"], "date": ["2024-01-01", "2024-01-02", "2024-01-03"], "amount": [1.0, -2.0, 3.0]})
    with pytest.raises(DataError) as info:
        summary_data_from_transaction_data(tx, "id", "date", monetary_value_col="amount")
    assert info.value.row == 2 and info.value.value == "-2"
    with pytest.raises(ValueError, match="freq"):
        summary_data_from_transaction_data(tx, "id", "date", freq="Q")
    tx.loc[1, "date"] = None
    with pytest.raises(DataError) as info:
        summary_data_from_transaction_data(tx, "id", "date")
    assert info.value.row == 2


@pytest.mark.parametrize("cls", [BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter])
def test_json_round_trip(cls, cdnow, tmp_path):
    m = cls().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    path = tmp_path / "model.json"
    m.save_model(str(path), period="W")
    text = path.read_text()
    doc = json.loads(text)
    assert doc["format_version"] == 1 and doc["period"] == "week"
    back = cls()
    back.load_model(str(path))
    pd.testing.assert_series_equal(back.params_, m.params_)
    pd.testing.assert_frame_equal(back.variance_matrix_, m.variance_matrix_)
    f, r, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    # parameters are bit-identical; Pareto/NBD predictions may differ in the last bits (1e-14)
    np.testing.assert_allclose(back.predict(10, f, r, T), m.predict(10, f, r, T), rtol=1e-13, atol=0)
    loaded = ltv.load_model(str(path))
    assert type(loaded) is cls


def test_loading_the_wrong_model_or_garbage(cdnow, tmp_path):
    m = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    with pytest.raises(ModelFormatError):
        ParetoNBDFitter.from_json(m.to_json())
    with pytest.raises(ModelFormatError):
        BetaGeoFitter.from_json('{"format_version": 99}')
    with pytest.raises(ValueError, match="fitted"):
        BetaGeoFitter.from_params(m.params_).to_json()


def test_numerical_failure_is_an_exception_not_nan():
    # q < 1: the Gamma-Gamma expected spend of a new customer is infinite
    gg = GammaGammaFitter.from_params({"p": 1.0, "q": 0.5, "v": 1.0})
    with pytest.raises(NumericalError):
        gg.conditional_expected_average_profit(0, 0)
