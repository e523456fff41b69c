"""biotm: biometric-risk threat modeling for identity systems."""

__version__ = "0.1.0"
