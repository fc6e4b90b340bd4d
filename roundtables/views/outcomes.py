"""Pages: outcomes."""
