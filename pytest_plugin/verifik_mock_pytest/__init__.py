"""verifik-mock's pytest plugin: a Verifik of your own in every test.

Installed with the ``verifik-mock`` package and activated through the ``pytest11`` entry
point; the fixtures hand out ``verifik_mock.testing.VerifikMock`` handles.
"""

from verifik_mock.samples import sample_image
from verifik_mock.testing import MarkerSettings, VerifikMock, VerifikMockError

__all__ = ["MarkerSettings", "VerifikMock", "VerifikMockError", "sample_image"]
