"""rxsupply.entrypoints."""
