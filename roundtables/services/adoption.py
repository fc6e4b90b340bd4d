"""Services: adoption."""
