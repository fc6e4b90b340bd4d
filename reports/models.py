"""What the reports app records itself: weekly snapshots of each plan's figures. Everything else it
shows is read from the apps below it."""
