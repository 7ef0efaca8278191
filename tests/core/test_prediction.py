"""Prediction objects keep dict semantics and add the documented accessors."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

from skytells import Prediction, SkytellsError
from skytells._core._outputs import file_name_for, normalise_outputs


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        (None, None),
        ("https://a", "https://a"),
        (["https://a"], "https://a"),
        (["a", "b"], ["a", "b"]),
        ([], []),
    ],
)
def test_outputs_table(output, expected):
    assert Prediction({"id": "p", "output": output}).outputs() == expected
    assert normalise_outputs(output) == expected


def test_a_prediction_is_a_dict():
    data = {"id": "p1", "status": "succeeded", "output": ["u"], "response": "Prediction completed"}
    prediction = Prediction(data)
    assert isinstance(prediction, dict) and prediction == data
    assert json.loads(json.dumps(prediction)) == data
    assert prediction["output"] == ["u"] and prediction.output == ["u"]
    assert (prediction.id, prediction.status) == ("p1", "succeeded")
    assert prediction.response == data and prediction.raw() == data and type(prediction.raw()) is dict
    assert prediction.message == "Prediction completed"
    assert list(prediction) == list(data) and dict(prediction) == data


def test_status_spelling_is_normalised():
    assert Prediction({"id": "p", "status": "canceled"}).status == "cancelled"


def test_pickle_and_copy_drop_the_client():
    prediction = Prediction({"id": "p1"}, client=object())
    for clone in (pickle.loads(pickle.dumps(prediction)), copy.copy(prediction)):
        assert clone == prediction and clone._client is None


def test_an_unbound_prediction_says_so():
    with pytest.raises(SkytellsError) as info:
        Prediction({"id": "p1"}).cancel()
    assert info.value.error_id == "SDK_ERROR"


def test_output_file_names_are_safe_and_unique():
    used: set[str] = set()
    names = [
        file_name_for("https://h/files/p/output.png", 0, "p", used),
        file_name_for("https://h/other/output.png", 1, "p", used),
        file_name_for("https://h/../../etc/passwd%2F..%2F.bashrc", 2, "p", used),
        file_name_for("https://h/", 3, "p", used),
    ]
    assert names[:2] == ["output.png", "output-1.png"]
    assert "/" not in names[2] and not names[2].startswith(".")
    assert names[3] == "output-3"
