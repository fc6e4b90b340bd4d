"""Roundtables' pages, one module per area: events (roundtables, invitations, registration,
attendance, .ics) and outcomes (recording, proposing, accepting and declining)."""
