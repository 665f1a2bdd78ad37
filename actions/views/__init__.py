"""Action items, notifications, the panels other pages include, and the home page (my work)."""
