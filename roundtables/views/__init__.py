"""Roundtables' pages, one module per area: library (publications, recommendations, case studies,
timeline), events (roundtables, invitations, registration, attendance, .ics), outcomes
(recording, proposing, accepting and declining) and adoption (a state's record, the national matrix)."""
