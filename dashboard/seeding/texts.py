"""What the seeded texts are made of: names, troubles, observations, fixes and contributing factors."""

from actions.models import ActionKind

TEAM_NAMES = [
    "Payments", "Checkout", "Identity", "Search", "Platform", "Data", "Mobile", "Web", "Messaging", "Billing",
    "Storage", "Networking", "Observability", "Growth", "Catalogue", "Fulfilment", "Risk", "Support Tools",
    "Developer Experience", "Security",
]  # fmt: skip
FIRST = [
    "Aisha", "Ben", "Chen", "Dara", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonah", "Kofi", "Lena", "Mateo",
    "Nadia", "Omar", "Paula", "Quinn", "Rosa", "Sven", "Tara", "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoe",
]  # fmt: skip
LAST = [
    "Abara", "Bergström", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Haddad", "Ivanova", "Jensen",
    "Kowalski", "Lindgren", "Moreau", "Nakamura", "Okafor", "Petrov", "Quispe", "Rossi", "Silva", "Tanaka",
]  # fmt: skip
SERVICE_PARTS = ["api", "worker", "gateway", "db", "cache", "queue", "web", "scheduler"]
TROUBLE = [
    "Elevated error rate on {s}", "Slow responses from {s}", "{s} unavailable in one region",
    "Stale data served by {s}", "Queue backlog behind {s}", "Failed deploy of {s}", "Certificate expiry on {s}",
    "Disk full on {s} nodes", "Timeouts between checkout and {s}", "Partial outage of {s} after a config change",
]  # fmt: skip
OBSERVATIONS = [
    "Error rate on the dashboard rose above the alert threshold.", "Latency p95 doubled within five minutes.",
    "Customer support reported failed payments.", "The deploy pipeline showed a green build for the change.",
    "Connection pool saturation visible in the database metrics.", "Retries amplified the load on the dependency.",
]  # fmt: skip
ACTIONS_TAKEN = [
    "Rolled back the last deploy.", "Scaled the worker pool from 4 to 8.", "Failed over to the secondary region.",
    "Disabled the feature flag for the new path.", "Restarted the stuck consumers.", "Raised the connection limit.",
]  # fmt: skip
FIXES = [
    ("Add a canary stage to the {s} deploy", ActionKind.GUARDRAIL),
    ("Alert on queue age for {s}", ActionKind.OBSERVABILITY),
    ("Add an integration test for the {s} retry path", ActionKind.TEST),
    ("Validate {s} configuration before it is applied", ActionKind.TOOLING),
    ("Split the {s} connection pool per tenant", ActionKind.ARCHITECTURE),
    ("Document the {s} failover runbook", ActionKind.DOCUMENTATION),
    ("Review {s} capacity every quarter", ActionKind.PROCESS),
    ("Rate-limit retries from clients of {s}", ActionKind.GUARDRAIL),
]
FACTORS = [
    "The deploy pipeline let a change reach all regions at once.",
    "No alert watched the age of the oldest message in the queue.",
    "The runbook described a failover path that no longer existed.",
    "Two services assumed different timeouts for the same call.",
    "Configuration changes skipped the review that code changes get.",
    "The dashboard showed averages that hid the slow tail.",
]
