"""What the facilitator sees: the identified club view and KPI page (audited, rule 8) and the comparators."""
