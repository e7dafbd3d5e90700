"""Business calendars: office hours, holidays and a time zone, and working-time arithmetic on
them (escalation times of queues and SLAs are counted in working time)."""
