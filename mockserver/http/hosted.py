"""The hosted capture page a validation's ``url`` opens, standing in for Verifik's own.

``GET`` shows the validation and the choices; ``POST`` (a plain HTML form) completes the
capture through the validate code path, then sends the user to ``redirectUrl`` with
``?type=login&token=...`` as Verifik's page does. It works without JavaScript; a script only
turns a chosen photo, or a webcam frame where the browser allows one, into the base64 the form
sends.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from mockserver.domain.hosted import HostedOutcome, complete_capture, redirect_target
from mockserver.errors import BodyTooLargeError, MockError
from mockserver.http.body import read_capped
from mockserver.http.context import ServerContext
from mockserver.models import BiometricValidation
from mockserver.store import TenantState


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_TEMPLATE.format(title=html.escape(title), body=body), status_code=status)


def _find(request: Request) -> tuple[TenantState, BiometricValidation] | HTMLResponse:
    context = ServerContext.of(request)
    tenant = context.tenants.peek(request.path_params["client"])
    validation = tenant.validations.get(request.path_params["id"]) if tenant else None
    if tenant is None or validation is None:
        return _page("Not found", "<p>No such biometric validation.</p>", 404)
    return tenant, validation


async def hosted_page(request: Request) -> Response:
    """The capture page of one validation."""
    found = _find(request)
    if isinstance(found, Response):
        return found
    _, validation = found
    facts = "".join(
        f"<dt>{name}</dt><dd>{html.escape(str(value))}</dd>"
        for name, value in [
            ("Identifier", validation.identifier),
            ("Type", validation.type.value),
            ("Status", validation.status.value),
            ("Returns to", validation.redirectUrl or "(no redirectUrl)"),
        ]
    )
    return _page(f"Verify {validation.identifier}", f"<dl>{facts}</dl>{_FORM}")


@dataclass(frozen=True)
class HostedForm:
    """What the page's form sent."""

    outcome: HostedOutcome
    liveness_score: float
    image: str | None


def read_form(raw: bytes) -> HostedForm:
    """The form, checked; ValueError names what is off."""
    form = parse_qs(raw.decode())
    score = float(form.get("livenessScore", ["0.3"])[0] or 0.3)
    if not 0 <= score <= 1:
        raise ValueError(f"livenessScore {score} is not from 0 to 1")
    return HostedForm(
        outcome=HostedOutcome(form.get("outcome", [""])[0]),
        liveness_score=score,
        image=form.get("image", [""])[0] or None,
    )


async def complete_hosted(request: Request) -> Response:
    """Complete the capture as the form asks, then send the user back."""
    found = _find(request)
    if isinstance(found, Response):
        return found
    tenant, validation = found
    context = ServerContext.of(request)
    try:
        form = read_form(await read_capped(request, context.settings.max_body_bytes))
    except BodyTooLargeError as error:
        return _page("Photo too large", f"<p>{html.escape(error.message)}</p>", 413)
    except ValueError:  # UnicodeDecodeError is one too
        return _page("Bad form", "<p>Choose one of the outcomes.</p>", 400)
    session = tenant.liveness_sessions[str(validation.livenessSession)]
    try:
        result = complete_capture(
            tenant, session, form.outcome, context.settings, form.liveness_score, form.image
        )
    except MockError as error:
        return _refused(validation, error)
    finally:
        context.finish_request(tenant.client.id)
    target = redirect_target(validation, token=result.token)
    if target:
        return RedirectResponse(target, status_code=303)
    return _page("Verified", f"<p>Verified. Token:</p><pre>{html.escape(result.token)}</pre>")


def _refused(validation: BiometricValidation, error: MockError) -> HTMLResponse:
    back = redirect_target(validation, error=error.code)
    link = f'<p><a href="{html.escape(back)}">Back to the app</a></p>' if back else ""
    message = f"<p><strong>{error.code}</strong>: {html.escape(error.message)}</p>"
    return _page("Not verified", message + link, error.status)


_FORM = """<form method=post>
<fieldset><legend>What happens</legend>
<label><input type=radio name=outcome value=pass checked> Pass</label><br>
<label><input type=radio name=outcome value=fail_liveness> Fail liveness with score
<input name=livenessScore value=0.3 size=4></label><br>
<label><input type=radio name=outcome value=no_match> No matching person</label><br>
<label><input type=radio name=outcome value=expire> Let the session expire</label>
</fieldset>
<p><label>Or a photo of your own: <input type=file id=photo accept="image/jpeg,image/png"></label>
<input type=hidden name=image id=image></p>
<p id=camera hidden><button type=button id=start-camera>Use the camera</button>
<button type=button id=snap hidden>Take the photo</button> <span id=camera-status></span><br>
<video id=preview autoplay playsinline muted width=320 hidden></video></p>
<button type=submit>Send capture</button></form>
<script>
const image = document.getElementById("image");
const cameraStatus = document.getElementById("camera-status");
document.getElementById("photo").addEventListener("change", (event) => {
  const reader = new FileReader();
  reader.onload = () => { image.value = reader.result.split(",")[1]; };
  reader.readAsDataURL(event.target.files[0]);
});
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
