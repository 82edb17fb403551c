"""What every feature shares: errors, audit, notices, clocks and the calendar, routing."""
