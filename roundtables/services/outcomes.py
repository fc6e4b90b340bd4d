"""Services: outcomes."""
