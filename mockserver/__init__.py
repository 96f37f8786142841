"""verifik-mock: a local, stateful mock of Verifik's biometric-validation API."""

from mockserver.app import create_app
from mockserver.settings import Settings

__version__ = "0.1.0"
__all__ = ["Settings", "__version__", "create_app"]
