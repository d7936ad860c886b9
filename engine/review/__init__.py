"""Review: the queue of task outputs, the audit log, exports and the feedback loop."""
from engine.review.api import ReviewAPI
from engine.review.queue import ReviewItem

__all__ = ["ReviewAPI", "ReviewItem"]
