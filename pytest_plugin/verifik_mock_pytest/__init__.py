"""verifik-mock's pytest plugin: a Verifik of your own in every test.

Installed with the ``verifik-mock`` package and activated through the ``pytest11`` entry
point; the fixtures hand out ``mockserver.testing.VerifikMock`` handles.
"""

from mockserver.samples import sample_image
from mockserver.testing import Scenario, VerifikMock, VerifikMockError

__all__ = ["Scenario", "VerifikMock", "VerifikMockError", "sample_image"]
