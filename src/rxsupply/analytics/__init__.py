"""rxsupply.analytics."""
