"""Pages: adoption."""
