"""Services: events."""
