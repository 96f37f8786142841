"""verifik-mock: a local, stateful mock of Verifik's biometric-validation API."""

from mockserver.app import create_app
from mockserver.samples import sample_image
from mockserver.settings import Settings
from mockserver.version import VERSION

__version__ = VERSION

__all__ = ["Settings", "__version__", "create_app", "sample_image"]
