"""Every failure the mock reports to a client, as one rooted hierarchy.

Each class carries the HTTP status and the Verifik error ``code`` it maps to; the HTTP edge
turns any of them into the documented ``{"success": false, "error", "code"}`` envelope, so
no other module decides statuses. The observed wire (``--wire observed``) writes the same
error as ``{"code", "message"}`` with the code of Verifik's backend for its status
(``observed_code``: ``NotFound``, ``Conflict``, ``MissingParameter``...) and, for the errors
real captures show, Verifik's snake_case token as the message (``observed_message``:
``liveness_failed@0.45``, ``token_not_right``)::

    MockError
    ├── AuthenticationError          401 UNAUTHORIZED
    ├── InvalidParametersError       400 INVALID_PARAMETERS
    ├── CorsRefusedError             400 CORS_NOT_ALLOWED
    ├── HeaderTooLargeError          431 HEADER_TOO_LARGE
    ├── MalformedBodyError           400 INVALID_BODY
    ├── BodyTooLargeError            413 PAYLOAD_TOO_LARGE
    ├── UnsupportedMediaTypeError    415 UNSUPPORTED_MEDIA_TYPE
    ├── MissingParameterError        409 MISSING_PARAMETER
    ├── InvalidProjectFlowError      409 INVALID_PROJECT_FLOW
    ├── LivenessSessionTokenMissingError   403 LIVENESS_SESSION_TOKEN_MISSING
    ├── TokenNotRightError                 403 TOKEN_NOT_RIGHT
    ├── LivenessSessionExpiredError        409 LIVENESS_SESSION_EXPIRED
    ├── LivenessSessionUsedError           409 LIVENESS_SESSION_USED
    ├── LivenessFailedError                409 LIVENESS_FAILED
    ├── CollectionNotSetError              409 COLLECTION_NOT_SET
    ├── PersonNotFoundError                404 PERSON_NOT_FOUND
    ├── InvalidImageError            400 INVALID_IMAGE_FORMAT
    ├── ImageTooLargeError           413 IMAGE_TOO_LARGE
    ├── RouteNotFoundError           404 NOT_FOUND
    ├── MethodNotAllowedError        405 METHOD_NOT_ALLOWED
    ├── FixtureNotFoundError         404 FIXTURE_NOT_FOUND
    ├── AdminTokenError              403 ADMIN_TOKEN_REQUIRED
    ├── ForeignOriginError           403 ORIGIN_NOT_ALLOWED
    ├── HostNotAllowedError          421 HOST_NOT_ALLOWED
    ├── StoreUnavailableError        503 STORE_UNAVAILABLE
    ├── UpstreamUnreachableError     502 UPSTREAM_UNREACHABLE   (the proxy's own)
    ├── InjectedFaultError           (what X-Mock-Fault asked for)
    │   ├── InjectedServerError            500 INTERNAL_ERROR
    │   ├── InjectedBadGatewayError        502 BAD_GATEWAY
    │   ├── InjectedUnavailableError       503 SERVICE_UNAVAILABLE
    │   ├── InjectedRateLimitError         429 RATE_LIMITED
    │   └── InjectedTimeoutError           504 TIMEOUT
    └── RecordNotFoundError
        ├── BiometricValidationNotFoundError   404 BIOMETRIC_VALIDATION_NOT_FOUND
        ├── DocumentLivenessNotFoundError      404 DOCUMENT_LIVENESS_NOT_FOUND
        ├── ProjectFlowNotFoundError           404 PROJECT_FLOW_NOT_FOUND
        ├── TenantNotFoundError                404 TENANT_NOT_FOUND
        └── WebhookDeliveryNotFoundError       404 WEBHOOK_DELIVERY_NOT_FOUND
"""

from __future__ import annotations

import sys
from http import HTTPStatus

OBSERVED_CODES = {
    400: "BadRequest",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    412: "PreconditionFailed",
    422: "UnprocessableEntity",
    423: "Locked",
    500: "InternalServerError",
    504: "Timeout",
}
"""The codes Verifik's backend gives each status (its error handler's table); a status it
does not list gets its HTTP reason phrase without spaces (``TooManyRequests``)."""


class MockError(Exception):
    """Base of every error the mock answers with; catch it to handle any client-visible failure."""

    status: int = 500
    code: str = "INTERNAL_ERROR"
    observed_token: str | None = None
    """The message the observed wire sends instead of ``message``: Verifik's snake_case
    token where captures show one; None keeps ``message``."""

    def __init__(self, message: str, observed_token: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if observed_token is not None:
            self.observed_token = observed_token

    @classmethod
    def observed_code(cls) -> str:
        """The error's ``code`` on the observed wire."""
        return OBSERVED_CODES.get(cls.status) or HTTPStatus(cls.status).phrase.replace(" ", "")

    @property
    def observed_message(self) -> str:
        """The error's ``message`` on the observed wire."""
        return self.message if self.observed_token is None else self.observed_token


class AuthenticationError(MockError):
    """No usable ``Authorization`` header: send ``Authorization: Bearer <token>``."""

    status = 401
    code = "UNAUTHORIZED"

    def __init__(self, message: str = "Protected resource, use Authorization header to get access"):
        super().__init__(message)


class InvalidParametersError(MockError):
    """A query parameter is unknown or out of range: the message names it; fix that parameter."""

    status = 400
    code = "INVALID_PARAMETERS"


class CorsRefusedError(MockError):
    """A browser's CORS preflight asked for an origin, method or header the mock does not
    allow: start it with ``--cors-origin <your front end's origin>``."""

    status = 400
    code = "CORS_NOT_ALLOWED"


class HeaderTooLargeError(MockError):
    """A request header is over the mock's limit (8 KB): send a shorter token or header."""

    status = 431
    code = "HEADER_TOO_LARGE"


class MalformedBodyError(MockError):
    """The body is not a JSON object: send a JSON object with ``Content-Type: application/json``."""

    status = 400
    code = "INVALID_BODY"


class MalformedRequestError(MockError):
    """The bytes are not HTTP (a NUL in a header, a lower-case method): send valid HTTP/1.1."""

    status = 400
    code = "MALFORMED_REQUEST"


class BodyTooLargeError(MockError):
    """The body is over the server's size limit (8 MB): send a smaller image."""

    status = 413
    code = "PAYLOAD_TOO_LARGE"


class UnsupportedMediaTypeError(MockError):
    """The body is not declared as JSON: set ``Content-Type: application/json``."""

    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


class MissingParameterError(MockError):
    """A body field is missing or invalid (Verifik answers these with 409): fix the named field."""

    status = 409
    code = "MISSING_PARAMETER"

    @classmethod
    def observed_code(cls) -> str:
        """Verifik answers a missing or invalid body field with restify's MissingParameter."""
        return "MissingParameter"


class InvalidProjectFlowError(MockError):
    """The ``projectFlow`` is unknown, not active, or not in ``project``: use a listed flow."""

    status = 409
    code = "INVALID_PROJECT_FLOW"
    observed_token = "projectFlow_not_found"

    def __init__(self, message: str = "Invalid project flow"):
        super().__init__(message)


class LivenessSessionTokenMissingError(MockError):
    """Validate needs the liveness-session token of the validation's create response."""

    status = 403
    code = "LIVENESS_SESSION_TOKEN_MISSING"
    observed_token = "liveness_session_token_missing"

    def __init__(self, message: str = "liveness_session_token_missing") -> None:
        super().__init__(message)


class TokenNotRightError(MockError):
    """The token is not a liveness-session token of this mock: use the create response's."""

    status = 403
    code = "TOKEN_NOT_RIGHT"
    observed_token = "token_not_right"

    def __init__(self, message: str = "token_not_right") -> None:
        super().__init__(message)


class LivenessSessionExpiredError(MockError):
    """The session's time ran out: create a new biometric validation."""

    status = 409
    code = "LIVENESS_SESSION_EXPIRED"
    observed_token = "liveness_session_expired"


class LivenessSessionUsedError(MockError):
    """The session was already validated once (or cancelled): create a new validation."""

    status = 409
    code = "LIVENESS_SESSION_USED"
    observed_token = "liveness_session_used"


class LivenessFailedError(MockError):
    """The liveness score is under the flow's ``livenessMinScore``; the validation failed."""

    status = 409
    code = "LIVENESS_FAILED"


class CollectionNotSetError(MockError):
    """The flow has no collection to search: give it an ``assignedCollection``."""

    status = 409
    code = "COLLECTION_NOT_SET"
    observed_token = "collection_not_set"


class PersonNotFoundError(MockError):
    """No enrolled person matched at the flow's ``searchMinScore``; the validation failed."""

    status = 404
    code = "PERSON_NOT_FOUND"
    observed_token = "person_not_found"


class InvalidImageError(MockError):
    """The image is not base64 of a JPEG or PNG: send raw base64 or a ``data:image/...`` URI."""

    status = 400
    code = "INVALID_IMAGE_FORMAT"
    observed_token = "only_images_in_base64"


class ImageTooLargeError(MockError):
    """The decoded image is over the size limit: send a smaller image."""

    status = 413
    code = "IMAGE_TOO_LARGE"


class RouteNotFoundError(MockError):
    """No operation at this path: see ``GET /openapi.json`` for the served paths."""

    status = 404
    code = "NOT_FOUND"


class MethodNotAllowedError(MockError):
    """The path exists but not with this method: see ``GET /openapi.json``."""

    status = 405
    code = "METHOD_NOT_ALLOWED"


class FixtureNotFoundError(MockError):
    """No fixture file of that name: see the files in ``fixtures/scenarios``."""

    status = 404
    code = "FIXTURE_NOT_FOUND"


class AdminTokenError(MockError):
    """The control API needs ``X-Mock-Admin-Token`` with the server's ``--admin-token``."""

    status = 403
    code = "ADMIN_TOKEN_REQUIRED"


class ForeignOriginError(MockError):
    """A form post came from a page of another origin: post from the mock's own pages (behind
    a proxy or another host name, start the mock with ``--public-url``)."""

    status = 403
    code = "ORIGIN_NOT_ALLOWED"


class HostNotAllowedError(MockError):
    """The request's ``Host`` names another server than this mock (a page on a name that
    resolves to it, say): reach it by its own address, or start it with ``--public-url``."""

    status = 421
    code = "HOST_NOT_ALLOWED"


class StoreUnavailableError(MockError):
    """The mock's store (``--store`` Redis) did not answer, or a tenant stayed locked: nothing
    was changed; retry once the store is back."""

    status = 503
    code = "STORE_UNAVAILABLE"


class UpstreamUnreachableError(MockError):
    """``verifik-mock proxy`` got no answer from its upstream (refused, unreachable, timed out,
    or over 8 MB): check ``--upstream`` and that the server there is up; the proxy's report
    counts these."""

    status = 502
    code = "UPSTREAM_UNREACHABLE"


class InjectedFaultError(MockError):
    """A failure asked for with ``X-Mock-Fault``; the request was not processed."""


class InjectedServerError(InjectedFaultError):
    """``X-Mock-Fault: 500``: Verifik's own server error."""

    status = 500
    code = "INTERNAL_ERROR"
    observed_token = "Server error."


class InjectedBadGatewayError(InjectedFaultError):
    """``X-Mock-Fault: 502``: a gateway in front of Verifik failed."""

    status = 502
    code = "BAD_GATEWAY"


class InjectedUnavailableError(InjectedFaultError):
    """``X-Mock-Fault: 503``: Verifik is unavailable."""

    status = 503
    code = "SERVICE_UNAVAILABLE"


class InjectedRateLimitError(InjectedFaultError):
    """``X-Mock-Fault: 429``: rate limited; the answer carries ``Retry-After``."""

    status = 429
    code = "RATE_LIMITED"


class InjectedTimeoutError(InjectedFaultError):
    """``X-Mock-Fault: timeout``: no answer for a long while, then 504."""

    status = 504
    code = "TIMEOUT"
    observed_token = "Endpoint timed out, try again later."


class RecordNotFoundError(MockError):
    """No record with this id for this client: list the records first to find a valid id."""

    status = 404
    record_name = "Record"
    observed_token = "Record not found."

    def __init__(self) -> None:
        super().__init__(f"{self.record_name} not found")


class BiometricValidationNotFoundError(RecordNotFoundError):
    """No biometric validation with this id for this client (another client's reads as none)."""

    code = "BIOMETRIC_VALIDATION_NOT_FOUND"
    record_name = "Biometric validation"


class DocumentLivenessNotFoundError(RecordNotFoundError):
    """No document-liveness record with this id for this client."""

    code = "DOCUMENT_LIVENESS_NOT_FOUND"
    record_name = "Document liveness"


class ProjectFlowNotFoundError(RecordNotFoundError):
    """No project flow with this id for this client."""

    code = "PROJECT_FLOW_NOT_FOUND"
    record_name = "Project flow"


class TenantNotFoundError(RecordNotFoundError):
    """No tenant with this client id yet: a tenant exists once its token made a request."""

    code = "TENANT_NOT_FOUND"
    record_name = "Tenant"


class WebhookDeliveryNotFoundError(RecordNotFoundError):
    """No webhook delivery with this id for this client: see ``GET /__mock__/webhooks``."""

    code = "WEBHOOK_DELIVERY_NOT_FOUND"
    record_name = "Webhook delivery"


class ConnectionDropped(Exception):  # noqa: N818 - it names what happens, not a failure of ours
    """No answer at all, on purpose (``X-Mock-Fault: reset``), where the server's connection
    cannot be reached to reset it (in process). Not a MockError: it has no envelope."""


def errors_by_status() -> dict[int, list[type[MockError]]]:
    """Every error the mock can answer with, by status, lowest first, each status's errors
    in the order of their codes."""
    by_status: dict[int, list[type[MockError]]] = {}
    for error in sorted(concrete_errors(), key=lambda error: (error.status, error.code)):
        by_status.setdefault(error.status, []).append(error)
    return by_status


def concrete_errors() -> list[type[MockError]]:
    """Every error the mock can answer with: the leaves of the tree above."""
    module = vars(sys.modules[__name__]).values()
    classes = [c for c in module if isinstance(c, type) and issubclass(c, MockError)]
    return [c for c in classes if not any(o is not c and issubclass(o, c) for o in classes)]
