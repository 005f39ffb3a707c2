"""rxsupply."""
