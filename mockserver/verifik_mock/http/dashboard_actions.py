"""The dashboard's forms: advance the clock, set or clear a scenario rule, redeliver a
webhook. Plain HTML form posts from the dashboard's own page, by its admin: done, they go
back to the dashboard (303); refused, a browser sees why on the dashboard itself and any
other client gets the error envelope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from verifik_mock.domain import control
from verifik_mock.errors import (
    MockError,
    RouteNotFoundError,
    TenantNotFoundError,
    WebhookDeliveryNotFoundError,
)
from verifik_mock.http.context import ServerContext
from verifik_mock.http.dashboard import dashboard_page
from verifik_mock.http.dashboard_login import refuse_reader, require_dashboard_admin
from verifik_mock.http.forms import MAX_FORM_BYTES, FormPost, form_fields, read_form_post
from verifik_mock.http.lifecycle import run_in_turn
from verifik_mock.http.pages import refusal
from verifik_mock.models.control import DashboardForm, ScenarioRuleBody
from verifik_mock.state.tenant import TenantState

Action = Callable[[ServerContext, DashboardForm, TenantState], None]
"""A dashboard form's action: on the tenant, in a turn."""


def _advance(context: ServerContext, form: DashboardForm, tenant: TenantState) -> None:
    control.advance_clock(tenant, timedelta(minutes=int(form.minutes or 0)))


def _set_rule(context: ServerContext, form: DashboardForm, tenant: TenantState) -> None:
    scores = {"livenessScore": form.livenessScore, "searchScore": form.searchScore}
    rule: dict[str, object] = {name: float(text) for name, text in scores.items() if text}
    if form.times:
        rule["times"] = int(form.times)
    rule["identifier"] = form.identifier or "*"
    control.set_rule(tenant, ScenarioRuleBody.model_validate(rule))


def _clear_rule(context: ServerContext, form: DashboardForm, tenant: TenantState) -> None:
    tenant.scenario_rules.pop(form.identifier or "", None)


def _redeliver(context: ServerContext, form: DashboardForm, tenant: TenantState) -> None:
    if not context.webhooks.redeliver(tenant.client.id, form.delivery or ""):
        raise WebhookDeliveryNotFoundError()


ACTIONS: dict[str, Action] = {
    "advance-clock": _advance,
    "set-rule": _set_rule,
    "clear-rule": _clear_rule,
    "redeliver": _redeliver,
}


async def _run(request: Request, context: ServerContext, client: str, form: FormPost) -> None:
    """Do what the form asks to the tenant, in a turn, or raise why not."""
    action = ACTIONS.get(request.path_params["action"])
    if action is None:
        raise RouteNotFoundError(f"No dashboard action here: one of {', '.join(ACTIONS)}")
    if not context.store.known(client):
        raise TenantNotFoundError()
    fields = form_fields(form, DashboardForm)
    await run_in_turn(  # the control surface: no fault rule of the tenant's applies
        request,
        client,
        "dashboardAction",
        partial(action, context, fields),
        write=True,
        faults=False,
    )


async def dashboard_action(request: Request) -> Response:
    """Do what the form asks, then show the dashboard again."""
    context = ServerContext.of(request)
    client = request.path_params["client"]
    try:
        require_dashboard_admin(request, context.settings)
    except MockError as error:  # never a page with the tenant's data on it
        return refuse_reader(request, error)
    try:
        form = await read_form_post(request, MAX_FORM_BYTES, context.settings.public_url)
        await _run(request, context, client, form)
    except MockError as error:
        notice = f"Not done: {error.code}: {error.message}"
        page = HTMLResponse(await dashboard_page(context, client, None, notice), error.status)
        return refusal(request, error, page)
    return RedirectResponse(f"/__mock__/ui?client={quote(client, safe='')}", status_code=303)


DASHBOARD_ACTION_ROUTES = [
    Route(
        "/__mock__/ui/{client}/{action}",
        dashboard_action,
        methods=["POST"],
        name="dashboardAction",
    )
]
