"""Pages of the action-plan workspace: home, plans (dashboard, lists, My updates), items."""
