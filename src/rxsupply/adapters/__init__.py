"""rxsupply.adapters."""
