"""``/__mock__/ui``: a dashboard of what the mock holds and did, rendered on the server (no
build step; reading needs no JavaScript). ``?client=<id>`` picks the tenant. A small script
refetches the page every two seconds and swaps in its tables, so the journal and the
deliveries update live; without JavaScript, ``?refresh=N`` reloads the page every N seconds.
Its forms post to the actions module."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from functools import partial
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from verifik_mock.errors import MockError
from verifik_mock.http.context import ServerContext
from verifik_mock.http.dashboard_login import LOGIN_ROUTES, refuse_reader, require_dashboard_admin
from verifik_mock.http.query import parse_query
from verifik_mock.models.queries import DashboardQuery
from verifik_mock.redaction import redacted_url
from verifik_mock.state.tenant import TenantState
from verifik_mock.timestamps import format_timestamp

NEWEST_ROWS = 200
"""How many validations and sessions the dashboard shows, newest first: a tenant seeded with
100,000 still renders in a blink."""


class Markup(str):
    """A cell of our own HTML (a form), written as is; every other cell is escaped."""


def cell(value: object) -> str:
    """One table cell."""
    return value if isinstance(value, Markup) else html.escape(str(value))


def table(title: str, headings: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A titled HTML table, marked for the live updates (its id comes from its title)."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headings)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(value)}</td>" for value in row) + "</tr>" for row in rows
    )
    slug = "-".join(title.lower().split())
    return (
        f"<section id={slug} data-live><h2>{html.escape(title)}</h2>"
        f"<table><tr>{head}</tr>{body}</table></section>"
    )


def form(client: str, action: str, fields: str, button: str) -> str:
    """A small form that posts one dashboard action."""
    target = f"/__mock__/ui/{quote(client, safe='')}/{action}"
    return (
        f'<form method=post action="{target}" class=inline>{fields}<button>{button}</button></form>'
    )


def hidden(name: str, value: str) -> str:
    """A hidden form field."""
    return f'<input type=hidden name={name} value="{html.escape(value)}">'


def history(context: ServerContext, client: str) -> dict[str, list[str]]:
    """Each validation's events, oldest first, from the webhook deliveries it caused."""
    found: dict[str, list[str]] = {}
    for delivery in reversed(context.webhooks.deliveries(client)):
        record = delivery.body.get("object")
        if isinstance(record, dict):
            event = delivery.type.split("_biometric_validation_")[-1]
            found.setdefault(str(record.get("_id")), []).append(event)
    return found


def controls(client: str) -> str:
    """The forms that change the tenant: the clock and the scenario rules."""
    return form(
        client, "advance-clock", "<input name=minutes value=11 size=4> minutes ", "Advance"
    ) + form(
        client,
        "set-rule",
        "identifier <input name=identifier value='*' size=18> liveness "
        "<input name=livenessScore size=4> search <input name=searchScore size=4> "
        "times <input name=times size=3> ",
        "Set rule",
    )


def tenant_sections(context: ServerContext, tenant: TenantState) -> str:
    """Everything the dashboard shows of one tenant."""
    client = tenant.client.id
    rules = tenant.scenario_rules.values()
    events = history(context, client)
    return "".join(
        [
            f"<p id=clock data-live>Mock clock: "
            f"<strong>{format_timestamp(tenant.clock.now())}</strong></p>",
            controls(client),
            table(
                "Biometric validations",
                ["_id", "identifier", "type", "status", "updatedAt", "history"],
                [(v.id, v.identifier, v.type.value, v.status.value, format_timestamp(v.updatedAt),
                  " → ".join(events.get(v.id, [])))
                 for v in tenant.validations.newest(NEWEST_ROWS)],
            ),
            table(
                "Liveness sessions",
                ["_id", "identifier", "status", "expiresAt"],
                [(s.id, s.identifier, s.status.value, format_timestamp(s.expiresAt))
                 for s in tenant.liveness_sessions.newest(NEWEST_ROWS)],
            ),
            table(
                "Document liveness",
                ["_id", "status", "riskScore"],
                [(d.id, d.status.value, d.riskScore if d.riskScore is not None else "")
                 for d in reversed(list(tenant.document_liveness.values()))],
            ),
            table(
                "Webhook deliveries",
                ["id", "type", "url", "state", "attempts", ""],
                [(d.id, d.type, redacted_url(d.url) if d.url else "", d.state, len(d.attempts),
                  Markup(form(client, "redeliver", hidden("delivery", d.id), "Redeliver")))
                 for d in context.webhooks.deliveries(client)],
            ),
            table(
                "Request journal",
                ["at", "kind", "method", "path", "status", "ms"],
                [(format_timestamp(e.at), e.kind, e.method or "", e.path or e.note or "",
                  e.status or "", "" if e.durationMs is None else e.durationMs)
                 for e in context.journal.newest(client, 50)],
            ),
            table(
                "Email outbox",
                ["to", "subject", "link"],
                [(e.to, e.subject, e.link) for e in reversed(tenant.emails)],
            ),
            table(
                "Scenario rules",
                ["identifier", "liveness", "search", "remaining", ""],
                [(r.identifier, r.scores.liveness, r.scores.search, r.remaining,
                  Markup(form(client, "clear-rule", hidden("identifier", r.identifier), "Remove")))
                 for r in rules],
            ),
        ]
    )  # fmt: skip


async def dashboard_page(
    context: ServerContext, client: str | None, refresh: int | None, notice: str = ""
) -> str:
    """The tenants, and the chosen one's records, history and traffic (read in a turn);
    ``notice`` first (an action's error, shown where the user is)."""
    if client and context.store.known(client):
        page = partial(_page_of, context, client, refresh, notice)
        return await context.store.run(client, page, write=False)
    return _page_of(context, client, refresh, notice, None)


def _page_of(
    context: ServerContext,
    client: str | None,
    refresh: int | None,
    notice: str,
    tenant: TenantState | None,
) -> str:
    links = "".join(
        f'<li><a href="?client={quote(client_id)}">{html.escape(client_id)}</a></li>'
        for client_id in context.store.client_ids()
    )
    body = f"<p role=alert>{html.escape(notice)}</p>" if notice else ""
    body += f"<section><h2>Tenants</h2><ul>{links or '<li>none yet</li>'}</ul></section>"
    if client and tenant is None:
        body += f"<p>No tenant {html.escape(client)}.</p>"
    elif tenant is not None:
        body += f"<h2>Client {html.escape(tenant.client.id)}</h2>" + tenant_sections(
            context, tenant
        )
    head = f'<meta http-equiv=refresh content="{refresh}">' if refresh else ""
    return _PAGE.format(head=head, body=body)


async def dashboard(request: Request) -> Response:
    """The dashboard, to the admin (anyone, without ``--admin-token``)."""
    context = ServerContext.of(request)
    try:
        require_dashboard_admin(request, context.settings)
    except MockError as error:
        return refuse_reader(request, error)
    query = parse_query(request.scope["query_string"], DashboardQuery)
    return HTMLResponse(await dashboard_page(context, query.client, query.refresh))


_PAGE = """<!doctype html><html lang=en><head><meta charset=utf-8>{head}
<title>verifik-mock dashboard</title><style>body{{font-family:system-ui,sans-serif;margin:2rem}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}}
section{{margin-bottom:1.5rem}}form.inline{{display:inline;margin-right:1rem}}</style></head>
<body><h1>verifik-mock</h1>{body}
<script>
setInterval(async () => {{
  const response = await fetch(location.href);
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const part of document.querySelectorAll("[data-live]")) {{
    const update = fresh.getElementById(part.id);
    if (update) part.replaceWith(update);
  }}
}}, 2000);
</script></body></html>"""

DASHBOARD_ROUTES = [
    Route("/__mock__/ui", dashboard, methods=["GET"], name="dashboard"),
    *LOGIN_ROUTES,
]
