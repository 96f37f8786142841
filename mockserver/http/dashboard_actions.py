"""The dashboard's forms: advance the clock, set or clear a scenario rule, redeliver a
webhook. Plain HTML form posts, answered with a redirect back to the dashboard."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from mockserver.domain import control
from mockserver.errors import MockError
from mockserver.http.body import read_capped
from mockserver.http.context import ServerContext
from mockserver.models.control import ScenarioRuleBody
from mockserver.store import TenantState

Form = dict[str, str]


def _advance(context: ServerContext, tenant: TenantState, form: Form) -> None:
    control.advance_clock(tenant, timedelta(minutes=float(form.get("minutes") or 0)))


def _set_rule(context: ServerContext, tenant: TenantState, form: Form) -> None:
    fields: dict[str, object] = {"identifier": form.get("identifier") or "*"}
    for name in ("livenessScore", "searchScore"):
        if form.get(name):
            fields[name] = float(form[name])
    if form.get("times"):
        fields["times"] = int(form["times"])
    control.set_rule(tenant, ScenarioRuleBody.model_validate(fields))


def _clear_rule(context: ServerContext, tenant: TenantState, form: Form) -> None:
    tenant.scenario_rules.pop(form.get("identifier", ""), None)


class UnknownDeliveryError(LookupError):
    """The form names a webhook delivery the tenant does not have."""


def _redeliver(context: ServerContext, tenant: TenantState, form: Form) -> None:
    if not context.webhooks.redeliver(tenant.client.id, form.get("delivery", "")):
        raise UnknownDeliveryError(form.get("delivery", ""))


SCORE = re.compile(r"^(0(\.[0-9]{1,6})?|1(\.0{1,6})?)$")
FIELD_PATTERNS = {
    "minutes": re.compile(r"^[0-9]{1,6}$"),
    "livenessScore": SCORE,
    "searchScore": SCORE,
    "times": re.compile(r"^[1-9][0-9]{0,5}$"),
}
"""Every form field that has a shape, checked whatever the action (as the contract says)."""


def check_form(form: Form) -> None:
    """Refuse a form with a field out of shape, naming it."""
    for name, pattern in FIELD_PATTERNS.items():
        if form.get(name) and not pattern.match(form[name]):  # blank means "not given"
            raise ValueError(f"{name} {form[name]!r} is not a valid value")


ACTIONS = {
    "advance-clock": _advance,
    "set-rule": _set_rule,
    "clear-rule": _clear_rule,
    "redeliver": _redeliver,
}


async def dashboard_action(request: Request) -> Response:
    """Do what the form asks to the tenant, then show the dashboard again."""
    context = ServerContext.of(request)
    client, action = request.path_params["client"], request.path_params["action"]
    tenant = context.tenants.peek(client)
    if tenant is None or action not in ACTIONS:
        return PlainTextResponse("No such tenant or action", status_code=404)
    raw = await read_capped(request, 64 * 1024)
    form = {key: values[-1] for key, values in parse_qs(raw.decode(errors="replace")).items()}
    try:
        check_form(form)
        ACTIONS[action](context, tenant, form)
    except UnknownDeliveryError as error:
        return PlainTextResponse(f"No webhook delivery {error}", status_code=404)
    except (ValueError, MockError) as error:
        return PlainTextResponse(f"Not done: {error}", status_code=400)
    finally:
        context.finish_request(client)
    return RedirectResponse(f"/__mock__/ui?client={client}", status_code=303)


DASHBOARD_ACTION_ROUTES = [
    Route(
        "/__mock__/ui/{client}/{action}",
        dashboard_action,
        methods=["POST"],
        name="dashboardAction",
    )
]
