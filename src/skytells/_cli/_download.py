"""Save a prediction's outputs into a local directory, through the SDK's ``Prediction.download``.

Files land in ``<directory>/<prediction id>/``, named as the SDK names them (safe names, no path
parts); a text output is written to ``output.txt``. The key is sent to the API's own origin only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from skytells import Prediction, SkytellsClient, SkytellsError

from ._errors import CliError, from_sdk_error


def output_values(prediction: Mapping[str, Any]) -> list[str]:
    """The prediction's output as a list of strings (URLs or text), for display."""
    output = prediction.get("output")
    if output is None:
        return []
    if isinstance(output, list):
        return [str(item) for item in output if item is not None]
    return [str(output)]


def output_urls(prediction: Mapping[str, Any]) -> set[str]:
    """The URLs of the prediction's output files."""
    return set(Prediction(prediction).output_urls)


def download_outputs(prediction: Mapping[str, Any], directory: Path, client: SkytellsClient) -> list[Path]:
    """Save every output of `prediction` under ``directory/<id>/`` and return the paths written."""
    pid = str(prediction.get("id") or "prediction")
    try:
        return Prediction(prediction, client).download(directory)
    except SkytellsError as error:
        failure = from_sdk_error(error)
        message = f"could not download the outputs: {failure.message}"
        raise CliError(message, failure.error_id, failure.exit_code) from None
    except OSError as error:
        retry = f"skytells predictions wait {pid} --output-dir DIR"
        message = f"could not save the outputs in {directory}: {error} (prediction {pid} is kept: {retry})"
        raise CliError(message, "DOWNLOAD_FAILED") from error
