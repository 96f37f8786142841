"""The hosted capture page a validation's ``url`` opens, standing in for Verifik's own.

``GET`` shows the validation and the choices while it is open, and its outcome once it is
not; ``POST`` (a plain HTML form) completes the capture through the validate code path, then
sends the user to ``redirectUrl`` with ``?type=login&token=...`` as Verifik's page does. It
works without JavaScript, a photo included (a multipart upload); a script only adds the
webcam where the browser allows one. With a ``--signing-secret`` the page opens only to the
``token`` its ``url`` carries, so no one can complete another's validation.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass
from functools import partial

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from verifik_mock.domain.hosted import complete_capture, redirect_target
from verifik_mock.domain.sessions import find_session, session_claims
from verifik_mock.errors import (
    BiometricValidationNotFoundError,
    MockError,
    TenantNotFoundError,
    TokenNotRightError,
)
from verifik_mock.http.context import ServerContext
from verifik_mock.http.forms import FormPost, form_fields, read_form_post
from verifik_mock.http.journaling import note_request
from verifik_mock.http.lifecycle import run_in_turn
from verifik_mock.http.pages import error_page, refusal
from verifik_mock.http.query import parse_query
from verifik_mock.models import BiometricValidation, ValidationResult
from verifik_mock.models.control import HostedCaptureForm
from verifik_mock.models.enums import (
    BiometricValidationStatus,
    HostedOutcome,
    LivenessSessionStatus,
)
from verifik_mock.models.queries import HostedPageQuery
from verifik_mock.settings import Settings
from verifik_mock.state.tenant import TenantState
from verifik_mock.timestamps import format_timestamp

_OPEN = {BiometricValidationStatus.NEW, BiometricValidationStatus.PENDING}


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_TEMPLATE.format(title=html.escape(title), body=body), status_code=status)


@dataclass(frozen=True)
class HostedAddress:
    """Whose validation a hosted page is about, as its path (and token) say: read before the
    page's turn on the tenant."""

    client: str
    validation_id: str
    session_id: str | None
    """With a signing secret, the session the page's token opens (checked first, every
    failure the same 403, so the page tells a stranger nothing); else None."""


def hosted_address(request: Request) -> HostedAddress:
    """The page's validation as its path names it; 403 for a token that is not its own
    (with a signing secret), 404 for a client the mock does not know (without one)."""
    context = ServerContext.of(request)
    query = parse_query(request.scope["query_string"], HostedPageQuery)
    client, validation_id = request.path_params["client"], request.path_params["id"]
    if context.settings.signing_secret is None:
        if not context.store.known(client):
            raise TenantNotFoundError()
        return HostedAddress(client, validation_id, None)
    if not query.token:
        raise TokenNotRightError()
    token_client, session_id = session_claims(query.token, context.settings.session_secret)
    if token_client != client:
        raise TokenNotRightError()
    return HostedAddress(client, validation_id, session_id)


def find_validation(tenant: TenantState, address: HostedAddress) -> BiometricValidation:
    """The validation of the page, in the turn (403 with a token that does not open it)."""
    validation = tenant.validations.get(address.validation_id)
    if address.session_id is None:
        if validation is None:
            raise BiometricValidationNotFoundError()
        return validation
    find_session(tenant, address.session_id)
    if validation is None or validation.livenessSession != address.session_id:
        raise TokenNotRightError()
    return validation


def is_open(tenant: TenantState, validation: BiometricValidation) -> bool:
    """Whether a capture can still complete ``validation`` (its session active and in time)."""
    session = tenant.liveness_sessions.get(str(validation.livenessSession))
    return (
        validation.status in _OPEN
        and session is not None
        and session.status is LivenessSessionStatus.ACTIVE
        and session.expiresAt > tenant.clock.now()
    )


async def hosted_page(request: Request) -> Response:
    """The capture page of one validation, or its outcome once it is closed."""
    try:
        address = hosted_address(request)
        outcome = await run_in_turn(
            request, address.client, "hostedPage", partial(_page_in_turn, address), write=False
        )
    except MockError as error:
        return refusal(request, error, error_page("Not found", error, None, _TEMPLATE))
    if (fault_answer := await outcome.fault_answer("pages")) is not None:
        return fault_answer
    assert outcome.value is not None
    return outcome.value


def _page_in_turn(address: HostedAddress, tenant: TenantState) -> HTMLResponse:
    validation = find_validation(tenant, address)
    facts = _facts(
        ("Identifier", validation.identifier),
        ("Type", validation.type.value),
        ("Status", validation.status.value),
        ("Returns to", validation.redirectUrl or "(no redirectUrl)"),
    )
    if is_open(tenant, validation):
        return _page(f"Verify {validation.identifier}", f"<dl>{facts}</dl>{_FORM}")
    return _page(f"Already {validation.status.value}", _outcome(validation, facts))


def _facts(*pairs: tuple[str, object]) -> str:
    return "".join(f"<dt>{name}</dt><dd>{html.escape(str(value))}</dd>" for name, value in pairs)


def _outcome(validation: BiometricValidation, facts: str) -> str:
    """What a closed validation came to, instead of a form that can no longer work."""
    scores = validation.biometricData.livenessScore if validation.biometricData else None
    details = _facts(
        ("Liveness score", "" if scores is None else scores),
        ("Updated", format_timestamp(validation.updatedAt)),
    )
    back = redirect_target(validation, status=validation.status.value)
    link = f'<p><a href="{html.escape(back)}">Back to the app</a></p>' if back else ""
    return (
        f"<p role=status>This validation is <strong>{validation.status.value}</strong>: "
        f"the capture can no longer be sent.</p><dl>{facts}{details}</dl>{link}"
    )


@dataclass(frozen=True)
class HostedCapture:
    """What the page's form asks for."""

    outcome: HostedOutcome
    liveness_score: float
    image: str | None


def read_capture(form: FormPost) -> HostedCapture:
    """The form, checked (409 naming a field out of shape); a photo uploaded without
    JavaScript arrives as the file ``photo``, one read by the script as ``image``."""
    fields = form_fields(form, HostedCaptureForm)
    photo = form.files.get("photo")
    return HostedCapture(
        outcome=fields.outcome,
        liveness_score=float(fields.livenessScore or 0.3),
        image=base64.b64encode(photo).decode() if photo else fields.image,
    )


async def complete_hosted(request: Request) -> Response:
    """Complete the capture as the form asks, then send the user back."""
    context = ServerContext.of(request)
    settings = context.settings
    validation: BiometricValidation | None = None
    try:
        address = hosted_address(request)
        note_request(request.scope, address.client, "completeHosted")  # a form cut short too
        form = read_capture(
            await read_form_post(request, settings.max_body_bytes, settings.public_url)
        )
        capture = partial(_capture_in_turn, address, form, settings)
        outcome = await run_in_turn(request, address.client, "completeHosted", capture, write=True)
        if (fault_answer := await outcome.fault_answer("pages")) is not None:
            return fault_answer
        assert outcome.value is not None
        captured, result = outcome.value
        validation = captured
        if isinstance(result, MockError):
            raise result
    except MockError as error:
        back = redirect_target(validation, error=error.code) if validation else None
        return refusal(request, error, error_page("Not verified", error, back, _TEMPLATE))
    target = redirect_target(captured, token=result.token)
    if target:
        return RedirectResponse(target, status_code=303)
    return _page("Verified", f"<p>Verified. Token:</p><pre>{html.escape(result.token)}</pre>")


def _capture_in_turn(
    address: HostedAddress, form: HostedCapture, settings: Settings, tenant: TenantState
) -> tuple[BiometricValidation, ValidationResult | MockError]:
    """Complete the capture; the validation, and what came of it (an error a user sees on
    the page, with the way back to the app)."""
    validation = find_validation(tenant, address)
    session = tenant.liveness_sessions[str(validation.livenessSession)]
    try:
        return validation, complete_capture(
            tenant, session, form.outcome, settings, form.liveness_score, form.image
        )
    except MockError as error:
        return validation, error


_FORM = """<form method=post enctype=multipart/form-data>
<fieldset><legend>What happens</legend>
<label><input type=radio name=outcome value=pass checked> Pass</label><br>
<label><input type=radio name=outcome value=fail_liveness> Fail liveness with score
<input name=livenessScore value=0.3 size=4></label><br>
<label><input type=radio name=outcome value=no_match> No matching person</label><br>
<label><input type=radio name=outcome value=expire> Let the session expire</label>
</fieldset>
<p><label>Or a photo of your own:
<input type=file name=photo id=photo accept="image/jpeg,image/png"></label>
<input type=hidden name=image id=image></p>
<p id=camera hidden><button type=button id=start-camera>Use the camera</button>
<button type=button id=snap hidden>Take the photo</button> <span id=camera-status></span><br>
<video id=preview autoplay playsinline muted width=320 hidden></video></p>
<button type=submit>Send capture</button></form>
<script>
const image = document.getElementById("image");
const photo = document.getElementById("photo");
const cameraStatus = document.getElementById("camera-status");
if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
  const video = document.getElementById("preview"), snap = document.getElementById("snap");
  document.getElementById("camera").hidden = false;
  document.getElementById("start-camera").addEventListener("click", async () => {
    try {
      video.srcObject = await navigator.mediaDevices.getUserMedia({video: true});
    } catch (error) {
      cameraStatus.textContent = `No camera: ${error.message}`;
      return;
    }
    video.hidden = false;
    snap.hidden = false;
  });
  snap.addEventListener("click", () => {
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    image.value = canvas.toDataURL("image/jpeg", 0.85).split(",")[1];
    photo.value = "";
    video.srcObject.getTracks().forEach((track) => track.stop());
    video.hidden = true;
    cameraStatus.textContent = `Photo taken (${canvas.width}x${canvas.height}).`;
  });
}
</script>"""

_TEMPLATE = """<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}}
dt{{font-weight:bold}}fieldset{{margin:1rem 0}}button{{font-size:1.1rem}}</style></head>
<body><h1>{title}</h1><p>verifik-mock's stand-in for Verifik's hosted capture page.</p>{body}
</body></html>"""

HOSTED_ROUTES = [
    Route("/__mock__/hosted/{client}/{id}", hosted_page, methods=["GET"], name="hostedPage"),
    Route(
        "/__mock__/hosted/{client}/{id}", complete_hosted, methods=["POST"], name="completeHosted"
    ),
]
