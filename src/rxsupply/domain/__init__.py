"""rxsupply.domain."""
