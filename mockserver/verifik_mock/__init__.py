"""verifik-mock: a local, stateful mock of Verifik's biometric-validation API."""

from verifik_mock.app import create_app
from verifik_mock.samples import sample_image
from verifik_mock.settings import Settings
from verifik_mock.version import VERSION

__version__ = VERSION

__all__ = ["Settings", "__version__", "create_app", "sample_image"]
