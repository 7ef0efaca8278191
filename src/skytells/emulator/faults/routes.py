"""Admin routes of the fault rules: ``GET/POST/DELETE /_emulator/faults``, ``DELETE …/faults/{id}``."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from skytells.emulator.errors import ApiError, error_response
from skytells.emulator.faults.injector import FaultInjector
from skytells.emulator.faults.rules import invalid_rule, validate_rule
from skytells.emulator.faults.spec import parse_fault_spec
from skytells.emulator.http import read_json


def fault_routes(injector: FaultInjector) -> list[BaseRoute]:
    """Admin routes: ``GET/POST/DELETE /_emulator/faults`` and ``DELETE /_emulator/faults/{id}``.

    POST takes one rule object, a list of rules, or ``{"spec": "<--fault syntax>"}``.
    """

    async def list_faults(request: Request) -> Response:
        return JSONResponse({"faults": injector.list()})

    async def add_faults(request: Request) -> Response:
        try:
            payload = await read_json(request, required=True)
            if isinstance(payload, list):
                return JSONResponse({"faults": _add_all(injector, payload)}, status_code=201)
            if isinstance(payload, dict) and set(payload) == {"spec"}:
                payload = _parse_spec_for_api(payload["spec"])
            return JSONResponse(injector.add(payload), status_code=201)
        except ApiError as error:
            return error_response(error, request.url.path)

    async def clear_faults(request: Request) -> Response:
        count = len(injector.list())
        injector.clear()
        return JSONResponse({"deleted": count})

    async def delete_fault(request: Request) -> Response:
        rule_id = request.path_params["fault_id"]
        if not injector.remove(rule_id):
            error = ApiError("FAULT_NOT_FOUND", f"No fault rule with id {rule_id!r}", status=404)
            return error_response(error, request.url.path)
        return JSONResponse({"deleted": rule_id})

    return [
        Route("/_emulator/faults", list_faults, methods=["GET"]),
        Route("/_emulator/faults", add_faults, methods=["POST"]),
        Route("/_emulator/faults", clear_faults, methods=["DELETE"]),
        Route("/_emulator/faults/{fault_id}", delete_fault, methods=["DELETE"]),
    ]


def _add_all(injector: FaultInjector, rules: list[Any]) -> list[dict[str, Any]]:
    for index, rule in enumerate(rules):  # validate them all before adding any
        try:
            validate_rule(rule, "check")
        except ApiError as error:
            raise invalid_rule(
                f"rule {index}: {error.message.removeprefix('Invalid fault rule: ')}"
            ) from None
    return [injector.add(rule) for rule in rules]


def _parse_spec_for_api(spec: Any) -> dict[str, Any]:
    if not isinstance(spec, str):
        raise invalid_rule("'spec' must be a string")
    try:
        return parse_fault_spec(spec)
    except ValueError as error:
        raise invalid_rule(str(error)) from None
