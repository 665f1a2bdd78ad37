"""What the product promises, tunable per organisation: the follow-through's deadlines and reminders, the
dashboard's refresh, privacy, and which incidents need a review by when."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_list

# --- Dashboard: after a change its figures are refreshed in the background, at most once this many seconds
# for the same filters and viewers (meanwhile everyone gets the last figures, with the time they were computed).
DASHBOARD_REFRESH_SECONDS = env_int("DASHBOARD_REFRESH_SECONDS", 10)

# --- Follow-through (actions app): the systemic-fix obligation and reminders -----------------
SYSTEMIC_FIX_HOURS = env_int("SYSTEMIC_FIX_HOURS", 48)
# Reminders to the responders and the facilitator, this many hours before the deadline.
SYSTEMIC_FIX_REMINDER_HOURS = [int(h) for h in env_list("SYSTEMIC_FIX_REMINDER_HOURS", ["24", "4"])]
# After the deadline: the escalation, then a reminder every this many hours until the fix lands.
SYSTEMIC_FIX_REPEAT_HOURS = env_int("SYSTEMIC_FIX_REPEAT_HOURS", 24)
# After commitment the fix must land by its item's due date; an item without one gets this many days.
FIX_LANDING_DAYS = env_int("FIX_LANDING_DAYS", 14)
# Until it lands: a reminder to its owner and the responders every this many hours, then, once the
# landing date has passed, an escalation to the teams' managers repeated every this many hours.
FIX_LANDING_REMINDER_HOURS = env_int("FIX_LANDING_REMINDER_HOURS", 72)
FIX_LANDING_OVERDUE_REPEAT_HOURS = env_int("FIX_LANDING_OVERDUE_REPEAT_HOURS", 24)
# A landed fix counts as held once this many days pass with no recurrence left undecided.
FIX_HELD_AFTER_DAYS = env_int("FIX_HELD_AFTER_DAYS", 90)
# How often the incident page asks whether its systemic fix changed state (seconds).
OBLIGATION_POLL_SECONDS = env_int("OBLIGATION_POLL_SECONDS", 20)
# The weekly digest of overdue items: weekday (0 is Monday) and hour in TIME_ZONE; the sweep's period and batch;
# how often a notification is tried before it counts as failed; how long a chat web hook may take (seconds).
ACTIONS_DIGEST_WEEKDAY = env_int("ACTIONS_DIGEST_WEEKDAY", 0)  # Monday
ACTIONS_DIGEST_HOUR = env_int("ACTIONS_DIGEST_HOUR", 8)  # in TIME_ZONE
ACTIONS_SWEEP_SECONDS = env_int("ACTIONS_SWEEP_SECONDS", 60)
ACTIONS_SWEEP_BATCH_SIZE = env_int("ACTIONS_SWEEP_BATCH_SIZE", 200)
ACTIONS_DELIVERY_MAX_ATTEMPTS = env_int("ACTIONS_DELIVERY_MAX_ATTEMPTS", 6)
ACTIONS_CHAT_TIMEOUT = env_int("ACTIONS_CHAT_TIMEOUT", 5)

# --- Privacy -------------------------------------------------------------------
# No figure or comment set about fewer people than this is shown, on any page or in any export.
PRIVACY_MIN_PEOPLE = env_int("PRIVACY_MIN_PEOPLE", 3)
if PRIVACY_MIN_PEOPLE < 3:
    raise ImproperlyConfigured("PRIVACY_MIN_PEOPLE must be 3 or more: fewer would point at individuals.")

# --- Reviews -------------------------------------------------------------------
# Severities whose incidents must have a review, and how soon the review meeting is due
# after resolution: (number of days, "days" or "business_days").
REVIEW_REQUIRED_SEVERITIES = env_list("REVIEW_REQUIRED_SEVERITIES", ["sev1", "sev2"])
if set(REVIEW_REQUIRED_SEVERITIES) - {"sev1", "sev2", "sev3", "sev4"}:
    raise ImproperlyConfigured("REVIEW_REQUIRED_SEVERITIES must list severities among sev1, sev2, sev3, sev4.")
REVIEW_MEETING_DEADLINES = {
    "sev1": (env_int("REVIEW_MEETING_DAYS_SEV1", 3), "days"),
    "sev2": (env_int("REVIEW_MEETING_BUSINESS_DAYS_SEV2", 5), "business_days"),
}
