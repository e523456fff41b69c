"""Biometric rules: one module per concern (storage, transit, capture, purpose, identity)."""
