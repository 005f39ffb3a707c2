"""rxsupply.services."""
