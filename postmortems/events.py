"""Things other apps may want to act on (the actions app turns them into notifications).

Both are sent once the change is committed, with ``review=`` the Review.
"""

from django.dispatch import Signal

# Someone started a review without being a facilitator of the team: its facilitators are needed.
facilitator_requested = Signal()

# A review was published: its participants can now give feedback on it.
review_published = Signal()

# The facilitator asked ``people=`` (participants) to write their perspective.
perspectives_asked = Signal()
