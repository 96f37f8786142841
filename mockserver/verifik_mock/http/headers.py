"""The names of the ``X-Mock-*`` headers the mock reads (lower case, as ASGI gives them)."""

ADMIN_HEADER = "x-mock-admin-token"
"""The server's ``--admin-token``, for the control API."""
FAULT_HEADER = "x-mock-fault"
LATENCY_HEADER = "x-mock-latency-ms"
LIVENESS_HEADER = "x-mock-liveness-score"
SEARCH_HEADER = "x-mock-search-score"
DOCUMENT_HEADER = "x-mock-document-score"
